#!/bin/bash
# Measures duet deliver of two 10000x10 ring64 shares (100,000 entries each) to duet collect on loopback with TLS.
set -e
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# Needs: dotnet build src/Host -c Release. Ports 27101 and 27102 on loopback.
cd "${DUET_WORK:-/tmp/duet-delivery}" 2>/dev/null || { mkdir -p "${DUET_WORK:-/tmp/duet-delivery}"; cd "${DUET_WORK:-/tmp/duet-delivery}"; }
rm -rf w && mkdir w && cd w
D="dotnet $ROOT/src/Host/bin/Release/net10.0/duet.dll"
PA=$($D certs --name a --out a.pfx | tail -1); PB=$($D certs --name b --out b.pfx | tail -1); PC=$($D certs --name c --out c.pfx | tail -1)
# Shares from a real BFV session (fast), 10000x100 . 100x10
awk 'BEGIN{srand(1); for(i=0;i<10000;i++){l=""; for(j=0;j<100;j++){l=l (j?",":"") int(rand()*2000-1000)}; print l}}' > x.csv
awk 'BEGIN{srand(2); for(i=0;i<100;i++){l=""; for(j=0;j<10;j++){l=l (j?",":"") int(rand()*2000-1000)}; print l}}' > y.csv
$D party --scheme bfv --input x.csv --output a.npy --listen 127.0.0.1:27101 --side left --cert a.pfx --pin $PB > a.out 2> a.err &
sleep 3
$D party --scheme bfv --input y.csv --output b.npy --peer 127.0.0.1:27101 --side right --cert b.pfx --pin $PA > b.out 2> b.err
wait
$D collect --listen 127.0.0.1:27102 --output p.npy --cert c.pfx --pin $PA --pin $PB > c.out 2> c.err &
sleep 3
start=$(date +%s.%N)
$D deliver --share a.npy --to 127.0.0.1:27102 --cert a.pfx --pin $PC > da.out 2> da.err &
$D deliver --share b.npy --to 127.0.0.1:27102 --cert b.pfx --pin $PC > db.out 2> db.err
wait
end=$(date +%s.%N)
cat da.out db.out c.out
echo "wall clock from starting both deliveries to C's product written: $(echo "$end - $start" | bc) s"
$D reveal --a a.npy --b b.npy --out q.npy > /dev/null && cmp <(od -An -tx1 p.npy) <(od -An -tx1 q.npy) && echo "C's product equals duet reveal's"
