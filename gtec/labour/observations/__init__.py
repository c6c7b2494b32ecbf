"""The write side of the labour app, in the order the data flows: `inputs` (loading the labour tables),
`geography` (territories, occupations, BMO and employment allocation), `protection` (statistical secrecy of the
input cells), `run` (the indicators of a set of territories, or of every territory) and `storage` (the
observations stored with their origin and their « réel » / « synthétique » label). Pages, exports and other
apps read the stored figures through `gtec.labour.read`, never from here."""
