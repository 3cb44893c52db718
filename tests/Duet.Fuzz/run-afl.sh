#!/usr/bin/env bash
# Coverage-guided fuzzing of one Duet decoder with afl++ and SharpFuzz (see README.md in this folder).
#
#   tests/Duet.Fuzz/run-afl.sh TARGET [EXECS]       e.g. run-afl.sh wire-HE 1000000
#   FUZZ_TIMEOUT_MS=10000 tests/Duet.Fuzz/run-afl.sh private-key     a longer per-input timeout (default 2000 ms)
#
# Needs afl++ (apt-get install -y afl++) and the SharpFuzz.CommandLine tool of this folder's dotnet-tools.json.
# Builds the harness once into $FUZZ_WORK/bin (default /tmp/duet-fuzz), instruments Duet's assemblies and Akka's
# HOCON parser, writes the seed corpus, then runs afl-fuzz at the lowest priority until EXECS executions
# (default 1,000,000). Findings land in $FUZZ_WORK/out/TARGET/default/{crashes,hangs}; replay them with
#   dotnet $FUZZ_WORK/bin/Duet.Fuzz.dll replay TARGET $FUZZ_WORK/out/TARGET/default/crashes
# Not part of CI: the deterministic pass in tests/Duet.Fuzz.Tests is.
set -euo pipefail
target=${1:?usage: run-afl.sh TARGET [EXECS]}
execs=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
work=${FUZZ_WORK:-/tmp/duet-fuzz}
timeout_ms=${FUZZ_TIMEOUT_MS:-2000}
bin=$work/bin

if [ ! -f "$bin/.instrumented" ]; then
    rm -rf "$bin"
    nice -n 19 dotnet build "$here" -c Release -o "$bin" -v q -nologo
    (cd "$here" && dotnet tool restore >/dev/null)
    for dll in Duet.Crypto.dll Duet.Actors.dll duet.dll; do
        (cd "$here" && dotnet tool run sharpfuzz "$bin/$dll")
    done
    # Only the configuration parser of Akka: the rest is not reached and would only slow the runs down.
    (cd "$here" && dotnet tool run sharpfuzz "$bin/Akka.dll" Akka.Configuration)
    touch "$bin/.instrumented"
fi

if [ ! -d "$work/seeds/$target" ]; then
    dotnet "$bin/Duet.Fuzz.dll" seeds "$work/seeds" >/dev/null
fi
[ -d "$work/seeds/$target" ] || { echo "no target '$target'; targets: $(dotnet "$bin/Duet.Fuzz.dll" list | tr '\n' ' ')" >&2; exit 2; }

mkdir -p "$work/out"
# .NET reserves far more address space than it uses (-m none); the target is 'dotnet', not an afl-compiled binary.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
exec nice -n 19 afl-fuzz -i "$work/seeds/$target" -o "$work/out/$target" -E "$execs" -t "$timeout_ms" -m none \
    -- dotnet "$bin/Duet.Fuzz.dll" afl "$target"
