"""Free text → ROME: job titles to fiches (titles.py), experience texts to compétences and savoirs
(skills.py), both built from a ROME 4.0 release on disk (loader.py). Pure Python, no Django."""
