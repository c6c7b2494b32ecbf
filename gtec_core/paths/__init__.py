"""Career paths: from a person's skills to reachable ROME fiches, ranked and explained. Pure Python (no
numpy, no Django): the fiche × skill weights are held as a sparse inverted index (matrix.py), the
similarity measures follow methods.md §3 (similarity.py), the ranking combines skills with optional
official mobility, local demand and local training inputs (ranker.py), parameters in
gtec_core/parameters/paths.yaml."""
