#!/bin/bash
# Measures what a resume loses: the RSS benchmark's shape (2000x10 . 10x10, Paillier 2048, ring64, no reveal) on loopback
# with TLS, (1) uninterrupted, (2) with party VICTIM (a: the evaluator, the default; b: the encryptor) killed once A's status
# shows half of the tiles evaluated, (3) both rerun with --resume. Needs: dotnet build src/Host -c Release; port 27111.
set -e
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VICTIM="${1:-a}"
cd "${DUET_WORK:-/tmp/duet-resume}" 2>/dev/null || { mkdir -p "${DUET_WORK:-/tmp/duet-resume}"; cd "${DUET_WORK:-/tmp/duet-resume}"; }
rm -rf w && mkdir w && cd w
D="dotnet $ROOT/src/Host/bin/Release/net10.0/duet.dll"
PA=$($D certs --name a --out a.pfx | tail -1); PB=$($D certs --name b --out b.pfx | tail -1)
awk 'BEGIN{srand(1); for(i=0;i<2000;i++){l=""; for(j=0;j<10;j++){l=l (j?",":"") int(rand()*2000-1000)}; print l}}' > x.csv
awk 'BEGIN{srand(2); for(i=0;i<10;i++){l=""; for(j=0;j<10;j++){l=l (j?",":"") int(rand()*2000-1000)}; print l}}' > y.csv
echo "duet.session.key-bits = 2048" > k.hocon

# run TAG [KILL] [--resume]: both parties; prints the wall clock from B's start to the end of both (or to the kill)
run() {
  local tag=$1 kill=$2; shift 2
  rm -f a.status.json
  $D party --config k.hocon --input x.csv --output a.npy --input-bits 16 --listen 127.0.0.1:27111 --side left --name a --cert a.pfx --pin "$PB" --status-file a.status.json "$@" > "a-$tag.out" 2> "a-$tag.err" & local A=$!
  sleep 2
  local start; start=$(date +%s.%N)
  $D party --config k.hocon --input y.csv --output b.npy --input-bits 16 --peer 127.0.0.1:27111 --side right --name b --cert b.pfx --pin "$PA" "$@" > "b-$tag.out" 2> "b-$tag.err" & local B=$!
  if [ -n "$kill" ]; then
    until python3 -c "import json,sys; e=json.load(open('a.status.json'))['phases'].get('evaluate',{}); sys.exit(0 if e and 2*e['done']>=e['total'] else 1)" 2>/dev/null; do sleep 0.05; done
    if [ "$kill" = a ]; then kill -9 $A; else kill -9 $B; fi
    echo "$tag: killed $kill after $(echo "$(date +%s.%N) - $start" | bc) s"
  fi
  wait $A || true; wait $B || true
  [ -n "$kill" ] || echo "$tag: $(echo "$(date +%s.%N) - $start" | bc) s"
}
run full ""
cat a-full.out b-full.out; rm -f a.npy* b.npy*
run killed "$VICTIM"
ls -l ./*.duet-journal
run resumed "" --resume
cat a-resumed.out b-resumed.out
$D reveal --a a.npy --b b.npy --out p.csv > /dev/null
python3 -c "
X=[list(map(int,l.split(','))) for l in open('x.csv')]; Y=[list(map(int,l.split(','))) for l in open('y.csv')]
P=[list(map(int,l.split(','))) for l in open('p.csv')]
exact=all(P[i][j]==sum(X[i][k]*Y[k][j] for k in range(len(Y))) for i in range(len(X)) for j in range(len(Y[0])))
print('the resumed run\'s shares add up to X.Y:', 'exact' if exact else 'WRONG')"
uptime
