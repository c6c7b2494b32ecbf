"""Orchestration at the top of the house, above every app: the commands that run several apps in turn
(`gtec import` — referentials, territories, labour tables and the public figures —, `gtec demo`, `gtec data`).
No app imports this package."""
