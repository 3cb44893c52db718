// The lattice benchmark's anchor: Z = X·Y with Microsoft SEAL's BFV (node-seal, WebAssembly, one thread) and
// Cheetah's coefficient encoding without rotations, as Duet computes it (docs/lattice.md, "Coefficient encoding").
// Usage: node w1.mjs [--rows 10000] [--inner 100] [--cols 10] [--input-bits 32] [--seed 1] [--blocks MxKxW]
// Prints one JSON object on stdout; exit 1 if the product is not exact.
import SEAL from 'node-seal/throws_wasm_node_es.js';

const N = 8192;
const SERIAL = 'none'; // SEAL save/load compression of every message that travels

const args = parseArgs(process.argv.slice(2));
const rows = args.int('rows', 10000), inner = args.int('inner', 100), cols = args.int('cols', 10);
const inputBits = args.int('input-bits', 32), seed = args.int('seed', 1);
if (inputBits > 52) fail('--input-bits above 52 is not supported (entries are JavaScript numbers)');

const random = xoshiro128(seed);
const x = randomMatrix(random, rows, inner, inputBits);
const y = randomMatrix(random, inner, cols, inputBits);

// |Z| < inner·2^(2b), so moduli whose product exceeds 2·inner·2^(2b) give Z exactly by centered CRT.
const needBits = 2 * inputBits + Math.ceil(Math.log2(inner)) + 1;
const count = Math.max(2, Math.ceil(needBits / 59));
// At least 20 bits: the primes ≡ 1 (mod 2N) start at 65537.
const plainBits = Math.max(20, Math.ceil(needBits / count) + 1);
const plainModuli = nttPrimes(plainBits, count);

const [mw, kw, nw] = args.string('blocks')?.split('x').map(Number) ?? chooseBlocks(rows, inner, cols);
if (![mw, kw, nw].every(v => Number.isInteger(v) && v >= 1) || mw * kw * nw > N || kw > inner) fail(`bad --blocks ${mw}x${kw}x${nw}`);
const problem = { x, y, rows, inner, cols };
const plan = planFor(problem, mw, kw, nw);

const seal = await SEAL();
const compression = seal.ComprModeType[SERIAL];
const tally = newTally();
const residues = [];
try {
  // Warm-up off the clock on the first rows (WebAssembly compilation and tier-up), as `lattice` warms up Duet.
  const warmRows = Math.min(rows, 8);
  const warm = { ...problem, rows: warmRows, x: x.subarray(0, warmRows * inner) };
  runProtocol(plainModuli[0], warm, planFor(warm, Math.min(mw, warmRows), kw, nw), newTally());
  for (const t of plainModuli) residues.push(runProtocol(t, problem, plan, tally));
} catch (e) {
  fail(`SEAL: ${seal.Exception.safe(e).message}`);
}
const started = performance.now(), startedCpu = process.cpuUsage();
const z = combine(residues, plainModuli);
tally.decrypt += performance.now() - started;
const combineCpu = process.cpuUsage(startedCpu);
tally.cpu += (combineCpu.user + combineCpu.system) / 1000;

const verified = equalsPlainProduct(z);
const seconds = (tally.keys + tally.encrypt + tally.evaluate + tally.decrypt) / 1000;
console.log(JSON.stringify({
  seconds: round(seconds),
  cpu_s: round(tally.cpu / 1000),
  verified,
  bytes_to_evaluator: tally.bytesToEvaluator,
  bytes_to_encryptor: tally.bytesToEncryptor,
  n: N,
  coeff_modulus_bits: tally.coeffModulusBits,
  blocks: `${mw}x${kw}x${nw}`,
  plain_moduli: plainModuli.map(String),
  node_seal: seal.Version,
  compression: SERIAL,
  keys_s: round(tally.keys / 1000),
  encrypt_s: round(tally.encrypt / 1000),
  evaluate_s: round(tally.evaluate / 1000),
  decrypt_s: round(tally.decrypt / 1000),
  ciphertexts_out: plan.kb * plan.nb * plainModuli.length,
  replies: plan.mb * plan.nb * plainModuli.length,
  rows, inner, cols, input_bits: inputBits, seed,
  node: process.version,
}));
process.exit(verified ? 0 : 1);

function newTally() {
  return { keys: 0, encrypt: 0, evaluate: 0, decrypt: 0, cpu: 0, bytesToEvaluator: 0, bytesToEncryptor: 0, coeffModulusBits: [] };
}

function planFor(p, mw, kw, nw) {
  return { mw, kw, nw, mb: Math.ceil(p.rows / mw), kb: Math.ceil(p.inner / kw), nb: Math.ceil(p.cols / nw) };
}

/** One run of the protocol with plaintext modulus t; returns Z mod t as a rows×cols array of BigInt. */
function runProtocol(t, problem, plan, tally) {
  const { x, y, rows, inner, cols } = problem;
  const { mw, kw, nw } = plan;
  let clock = performance.now(), cpu = process.cpuUsage();
  // Encryptor: parameters, keys; the public key travels to the evaluator (for its encryptions of zero).
  const parms = seal.EncryptionParameters(seal.SchemeType.bfv);
  parms.setPolyModulusDegree(N);
  parms.setCoeffModulus(seal.CoeffModulus.BFVDefault(N, seal.SecurityLevel.tc128));
  parms.setPlainModulus(seal.Modulus(t));
  // No modulus switching here, so no chain of smaller levels (SEAL builds one per level, about 0.1 s each).
  const context = seal.Context(parms, false, seal.SecurityLevel.tc128);
  if (!context.parametersSet()) fail(`SEAL refused the parameters for t = ${t}`);
  tally.coeffModulusBits = Array.from(parms.coeffModulus, q => q.toString(2).length);
  const keys = seal.KeyGenerator(context);
  const secretKey = keys.secretKey();
  const publicKeyBytes = saved(keys.createPublicKeySerializable());
  tally.bytesToEvaluator += publicKeyBytes.length;
  const publicKey = seal.PublicKey();
  publicKey.loadArray(context, publicKeyBytes);
  const encryptor = seal.Encryptor(context, publicKey, secretKey);
  const zeroEncryptor = seal.Encryptor(context, publicKey);
  const evaluator = seal.Evaluator(context);
  const decryptor = seal.Decryptor(context, secretKey);
  const plain = new PlainBuffer(seal, context, t);
  tally.keys += lap();

  // Encryptor: Ŷ[l·m_w·k_w + j] = Y[j][l] per k_w×n_w block, seeded symmetric encryptions.
  const fresh = [];
  for (let kb = 0; kb < plan.kb; kb++) {
    for (let nb = 0; nb < plan.nb; nb++) {
      plain.clear();
      for (let l = 0; l < nw && nb * nw + l < cols; l++) {
        for (let j = 0; j < kw && kb * kw + j < inner; j++) plain.set(l * mw * kw + j, y[(kb * kw + j) * cols + nb * nw + l]);
      }
      const bytes = saved(encryptor.encryptSymmetricSerializable(plain.load()));
      tally.bytesToEvaluator += bytes.length;
      fresh.push(bytes);
    }
  }
  tally.encrypt += lap();

  // Evaluator: receive the ciphertexts into NTT form; per row block, X̂[i·k_w + k_w − 1 − j] = X[i][j] in NTT
  // form, products summed over the inner blocks, then each reply leaves NTT form, gets an encryption of zero, travels.
  const operands = fresh.map(bytes => {
    const c = seal.CipherText();
    c.loadArray(context, bytes);
    evaluator.cipherTransformToNtt(c, c);
    return c;
  });
  const product = seal.CipherText(), zero = seal.CipherText(), xHat = seal.PlainText();
  const sums = Array.from({ length: plan.nb }, () => seal.CipherText());
  const replies = [];
  for (let mb = 0; mb < plan.mb; mb++) {
    let summed = false;
    for (let kb = 0; kb < plan.kb; kb++) {
      plain.clear();
      for (let i = 0; i < mw && mb * mw + i < rows; i++) {
        for (let j = 0; j < kw && kb * kw + j < inner; j++) plain.set(i * kw + kw - 1 - j, x[(mb * mw + i) * inner + kb * kw + j]);
      }
      // A zero block adds nothing (and SEAL refuses the transparent product).
      if (plain.isZero()) continue;
      evaluator.plainTransformToNtt(plain.load(), context.firstParmsId, xHat);
      for (let nb = 0; nb < plan.nb; nb++) {
        if (!summed) {
          evaluator.multiplyPlain(operands[kb * plan.nb + nb], xHat, sums[nb]);
        } else {
          evaluator.multiplyPlain(operands[kb * plan.nb + nb], xHat, product);
          evaluator.add(sums[nb], product, sums[nb]);
        }
      }
      summed = true;
    }
    for (let nb = 0; nb < plan.nb; nb++) {
      zeroEncryptor.encryptZero(zero);
      if (summed) {
        evaluator.cipherTransformFromNtt(sums[nb], sums[nb]);
        evaluator.add(sums[nb], zero, sums[nb]);
      } else {
        sums[nb].copy(zero);
      }
      const bytes = sums[nb].saveArray(compression);
      tally.bytesToEncryptor += bytes.length;
      replies.push(bytes);
    }
  }
  tally.evaluate += lap();

  // Encryptor: decrypt each reply and read the result coefficients l·m_w·k_w + i·k_w + k_w − 1.
  const z = new Array(rows * cols);
  const reply = seal.CipherText(), decrypted = seal.PlainText();
  for (let mb = 0; mb < plan.mb; mb++) {
    for (let nb = 0; nb < plan.nb; nb++) {
      reply.loadArray(context, replies[mb * plan.nb + nb]);
      decryptor.decrypt(reply, decrypted);
      const coefficients = plainCoefficients(decrypted.saveArray(seal.ComprModeType.none));
      for (let l = 0; l < nw && nb * nw + l < cols; l++) {
        for (let i = 0; i < mw && mb * mw + i < rows; i++) {
          const at = l * mw * kw + i * kw + kw - 1;
          z[(mb * mw + i) * cols + nb * nw + l] = at < coefficients.length ? coefficients[at] : 0n;
        }
      }
    }
  }
  tally.decrypt += lap();

  for (const c of [...operands, ...sums, product, zero, reply]) c.delete();
  for (const o of [xHat, decrypted, plain.plaintext, decryptor, evaluator, zeroEncryptor, encryptor, publicKey, secretKey, keys, context, parms]) o.delete();
  return z;

  function saved(serializable) {
    const bytes = serializable.saveArray(compression);
    serializable.delete();
    return bytes;
  }

  function lap() {
    const now = performance.now(), elapsed = now - clock, used = process.cpuUsage(cpu);
    tally.cpu += (used.user + used.system) / 1000;
    clock = now;
    cpu = process.cpuUsage();
    return elapsed;
  }
}

/**
 * A plaintext written coefficient by coefficient: node-seal has no setter, so the coefficients go into SEAL's own
 * serialized form of an N-coefficient plaintext (compression none) and are loaded from there.
 */
function PlainBuffer(seal, context, t) {
  const template = seal.PlainText({ coeffCount: N }).saveArray(seal.ComprModeType.none);
  this.bytes = new Uint8Array(template.length);
  this.bytes.set(template);
  const offset = template.length - 8 * N;
  this.words = new Uint32Array(this.bytes.buffer, offset, 2 * N);
  this.plaintext = seal.PlainText();
  const tLow = Number(t & 0xffffffffn), tHigh = Number(t >> 32n);
  let nonzero = false;
  this.clear = () => {
    this.words.fill(0);
    nonzero = false;
  };
  this.isZero = () => !nonzero;
  // A signed value |v| < 2^53 as v mod t (SEAL lifts plaintext coefficients above t/2 to negative ones).
  this.set = (index, v) => {
    if (v === 0) return;
    nonzero = true;
    let low, high;
    if (v >= 0) {
      low = v % 4294967296; high = Math.floor(v / 4294967296);
    } else {
      low = tLow - (-v % 4294967296); high = tHigh - Math.floor(-v / 4294967296);
      if (low < 0) { low += 4294967296; high -= 1; }
    }
    this.words[2 * index] = low;
    this.words[2 * index + 1] = high;
  };
  this.load = () => {
    this.plaintext.loadArray(context, this.bytes);
    return this.plaintext;
  };
}

/** The coefficients of a plaintext from its serialized form (compression none): the last coeff_count words. */
function plainCoefficients(bytes) {
  const count = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(48, true));
  const copy = bytes.slice(bytes.length - 8 * count);
  return new BigUint64Array(copy.buffer, 0, count);
}

/** Centered CRT of the residues of every entry. */
function combine(residues, moduli) {
  const product = moduli.reduce((a, b) => a * b, 1n);
  const factors = moduli.map(t => {
    const rest = product / t;
    return rest * modInverse(rest % t, t);
  });
  const z = new Array(rows * cols);
  for (let e = 0; e < z.length; e++) {
    let v = 0n;
    for (let r = 0; r < moduli.length; r++) v += residues[r][e] * factors[r];
    v %= product;
    z[e] = v > product / 2n ? v - product : v;
  }
  return z;
}

function equalsPlainProduct(z) {
  const yBig = Array.from(y, BigInt);
  for (let i = 0; i < rows; i++) {
    const row = x.subarray(i * inner, (i + 1) * inner);
    const rowBig = Array.from(row, BigInt);
    for (let l = 0; l < cols; l++) {
      let s = 0n;
      for (let j = 0; j < inner; j++) s += rowBig[j] * yBig[j * cols + l];
      if (s !== z[i * cols + l]) return false;
    }
  }
  return true;
}

/**
 * The blocks minimising an estimate of the protocol's time in milliseconds, from single steps of node-seal 6.0.3 at
 * N = 8192 timed on a 2-core EPYC: a fresh ciphertext 6 (encrypt, save, load, to NTT) plus its 265 kB at 1 Gbit/s
 * (2.1, the link Duet's plan assumes by default), a plaintext of X 1.9 (encode, NTT), a product and sum 0.45, a reply
 * 12 (from NTT, encryption of zero, save, load, decrypt) plus its 524 kB (4.2).
 */
function chooseBlocks(m, k, n) {
  let best = null;
  for (let kw = 1; kw <= Math.min(k, N); kw++) {
    for (let nw = 1; nw <= n && kw * nw <= N; nw++) {
      const mw = Math.min(m, Math.floor(N / (kw * nw)));
      const mb = Math.ceil(m / mw), kb = Math.ceil(k / kw), nb = Math.ceil(n / nw);
      const cost = 8.1 * kb * nb + 1.9 * mb * kb + 0.45 * mb * kb * nb + 16.2 * mb * nb;
      if (best === null || cost < best.cost) best = { cost, blocks: [mw, kw, nw] };
    }
  }
  return best.blocks;
}

/** count distinct primes p ≡ 1 (mod 2N) below 2^bits, the largest first (SEAL's BFV here accepts no other t). */
function nttPrimes(bits, count) {
  if (bits > 60) fail(`a plaintext modulus of ${bits} bits exceeds SEAL's 60`);
  const step = BigInt(2 * N);
  const primes = [];
  for (let p = ((1n << BigInt(bits)) - 1n) / step * step + 1n; primes.length < count && p > step; p -= step) {
    if (isPrime(p)) primes.push(p);
  }
  if (primes.length < count) fail(`fewer than ${count} primes ≡ 1 (mod ${step}) below 2^${bits}`);
  return primes;
}

function isPrime(n) {
  // Deterministic Miller–Rabin for n < 3.3·10^24 with the first 13 prime bases.
  const bases = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n];
  let d = n - 1n, s = 0;
  while ((d & 1n) === 0n) { d >>= 1n; s++; }
  outer: for (const a of bases) {
    if (a % n === 0n) continue;
    let v = modPow(a, d, n);
    if (v === 1n || v === n - 1n) continue;
    for (let r = 1; r < s; r++) {
      v = v * v % n;
      if (v === n - 1n) continue outer;
    }
    return false;
  }
  return true;
}

function modPow(b, e, m) {
  let r = 1n;
  b %= m;
  for (; e > 0n; e >>= 1n, b = b * b % m) if (e & 1n) r = r * b % m;
  return r;
}

function modInverse(a, m) {
  let [r0, r1, s0, s1] = [a, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** Entries uniform with |v| < 2^bits (sign and magnitude), row-major, as doubles (exact below 2^53). */
function randomMatrix(next, r, c, bits) {
  const a = new Float64Array(r * c);
  const highBits = Math.max(0, bits - 32);
  for (let i = 0; i < a.length; i++) {
    const low = bits >= 32 ? next() : next() % 2 ** bits;
    const high = highBits > 0 ? next() % 2 ** highBits : 0;
    const magnitude = high * 4294967296 + low;
    a[i] = next() & 1 ? -magnitude : magnitude;
  }
  return a;
}

/** xoshiro128** seeded through splitmix32: unsigned 32-bit outputs. */
function xoshiro128(seedValue) {
  let z = seedValue >>> 0;
  const splitmix = () => {
    z = (z + 0x9e3779b9) >>> 0;
    let v = z;
    v = Math.imul(v ^ (v >>> 16), 0x85ebca6b) >>> 0;
    v = Math.imul(v ^ (v >>> 13), 0xc2b2ae35) >>> 0;
    return (v ^ (v >>> 16)) >>> 0;
  };
  let [a, b, c, d] = [splitmix(), splitmix(), splitmix(), splitmix()];
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    return result;
  };
  function rotl(v, k) { return (v << k) | (v >>> (32 - k)); }
}

function parseArgs(argv) {
  const values = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) fail(`unexpected argument '${argv[i]}'`);
    values[argv[i].slice(2)] = argv[i + 1];
  }
  return {
    int: (name, fallback) => {
      const v = values[name] === undefined ? fallback : Number(values[name]);
      if (!Number.isInteger(v) || v < 1) fail(`--${name} must be a positive integer`);
      return v;
    },
    string: name => values[name],
  };
}

function round(v) { return Math.round(v * 1000) / 1000; }

function fail(message) {
  console.error(`w1.mjs: ${message}`);
  process.exit(2);
}
