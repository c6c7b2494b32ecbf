"""A frozen copy of the text matching as it was before issue #10 (hand-made alias table and lexicon, two
stemmers), kept only so that bench/eval_text.py can print the old method's figures beside the new engine's.
Nothing in gtec or gtec_core imports it."""
