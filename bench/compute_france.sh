#!/bin/sh
# France compute benchmark (#16): CPU (user+sys) and wall of `gtec compute --all-territories`, first run then
# re-run (which must modify 0 observations). Prints the figures; no timed test.
#   .venv/bin/gtec demo generate --scale france --months 2 --seed 20241 --out var/fr2
#   createdb gtec_compute_bench; DATABASE_URL=… gtec migrate; gtec import all; gtec import demo var/fr2
# then: DATABASE_URL=postgres://postgres@127.0.0.1:5432/gtec_compute_bench sh bench/compute_france.sh
set -e
for run in first re-run; do
    /usr/bin/time -f "$run: %U s user, %S s sys, %e s wall, %M KB max RSS" .venv/bin/gtec compute --all-territories 2>&1 | tail -3
done
