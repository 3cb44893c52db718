#!/usr/bin/env bash
# One Markdown table row per finished afl-fuzz run under $FUZZ_WORK/out (default /tmp/duet-fuzz), from afl's
# fuzzer_stats: target, executions, run time, exec/s, corpus entries, edges found, bitmap coverage, stability,
# saved crashes and hangs.
set -euo pipefail
work=${FUZZ_WORK:-/tmp/duet-fuzz}
echo "| target | executions | time (s) | exec/s | corpus | edges | bitmap coverage | stability | crashes | hangs |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for stats in "$work"/out/*/default/fuzzer_stats; do
    target=$(basename "$(dirname "$(dirname "$stats")")")
    awk -v target="$target" -F' *: *' '
        { v[$1] = $2 }
        END { printf "| %s | %d | %d | %d | %d | %d | %s | %s | %d | %d |\n", target, v["execs_done"], v["run_time"],
              v["execs_done"] / (v["run_time"] > 0 ? v["run_time"] : 1), v["corpus_count"], v["edges_found"],
              v["bitmap_cvg"], v["stability"], v["saved_crashes"], v["saved_hangs"] }' "$stats"
done
