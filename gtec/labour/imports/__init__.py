"""The labour-market importers, one module per source (`bmo`, `dares`, `jobseekers` for STMT and the public
series, `offers`, `establishments` for SIRENE, `employment`) and what they share (`common`). Scopes (what a
file replaces) are stated in each module."""
