using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Tiles;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>A share streamed to the host's sink as tiles finish: the same share, in P's orientation and domain.</summary>
public sealed class StreamedShareTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    [Theory]
    [InlineData(OperandSide.Right, ShareDomain.Ring64)]
    [InlineData(OperandSide.Left, ShareDomain.Integer)]
    public void BandsReachTheSinkAsTheInMemoryShareHasThem(OperandSide encryptor, ShareDomain domain)
    {
        var orientation = new Orientation(encryptor);
        var (rows, columns) = (7, 5);
        var random = new Random(5);
        var bands = new List<DecryptResult>();
        for (var first = 0; first < rows; first += 3)
        {
            var bandRows = Math.Min(3, rows - first);
            for (var column = 0; column < columns; column += 2)
            {
                var width = Math.Min(2, columns - column);
                var values = Enumerable.Range(0, bandRows * width).Select(_ => new BigInteger(random.NextInt64(long.MinValue, long.MaxValue)) << 3).ToArray();
                bands.Add(new DecryptResult(Guid.Empty, bands.Count, 1, first, column, width, values));
            }
        }

        var inMemory = ShareOutput.InMemory(rows, columns, orientation, domain);
        var (productRows, productColumns) = orientation.Transposed ? (columns, rows) : (rows, columns);
        var sink = new MatrixSink();
        var streamed = ShareOutput.Streamed(sink, new ShareLayout(Guid.Empty, productRows, productColumns, domain, 80, 0), orientation);
        foreach (var band in bands)
        {
            inMemory.Add(band);
            streamed.Add(band);
        }

        Assert.Null(streamed.Share());
        Assert.True(sink.Complete);
        Assert.Equal(inMemory.Share()!.Data, sink.Share!.Data);
        Assert.Throws<InvalidOperationException>(() => streamed.Add(new DecryptResult(Guid.Empty, 9, 1, rows - 1, 0, 1, [1, 2])));
    }

    [Theory]
    [InlineData(9, 4, 3, ShareDomain.Ring64)]
    [InlineData(3, 4, 11, ShareDomain.Integer)]
    public async Task TwoStreamedPartiesHoldNoShareInMemoryAndTheirSinksAddUpToTheProduct(int m, int k, int n, ShareDomain domain)
    {
        var random = new Random(m + n);
        var left = TwoParties.Random(random, m, k, 16);
        var right = TwoParties.Random(random, k, n, 16);
        var (sinkA, sinkB) = (new MatrixSink(), new MatrixSink());

        var (a, b) = await Run(left, sinkA, right, sinkB, domain);

        Assert.Null(a.Share);
        Assert.Null(b.Share);
        Assert.Equal((m, n), a.ProductShape);
        Assert.True(sinkA.Complete && sinkB.Complete);
        Assert.Equal(a.Statistics.SessionId, sinkA.Layout!.SessionId);
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(sinkA.Share!, sinkB.Share!, domain).Data);
    }

    [Theory]
    [InlineData(Reveal.Left, ShareDomain.Ring64)]
    [InlineData(Reveal.Right, ShareDomain.Integer)]
    [InlineData(Reveal.Both, ShareDomain.Ring64)]
    public async Task ARevealedShareIsReadBackFromItsSinkAndCollectedIntoThePeersSecondSink(Reveal reveal, ShareDomain domain)
    {
        var random = new Random((int)reveal);
        var left = TwoParties.Random(random, 13, 4, 16);
        var right = TwoParties.Random(random, 4, 5, 16);
        var (sinkA, sinkB) = (new MatrixSink(), new MatrixSink());
        var (peerA, peerB) = (reveal.ReachesSide(OperandSide.Left) ? new MatrixSink() : null, reveal.ReachesSide(OperandSide.Right) ? new MatrixSink() : null);

        var (listening, calling) = Start(left, sinkA, right, sinkB, domain, reveal, peerA, peerB);
        var (a, b) = (await listening, await calling);

        Assert.Null(a.Product);
        Assert.Null(b.Product);
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(sinkA.Share!, sinkB.Share!, domain).Data);
        foreach (var (received, sent) in new[] { (peerA, sinkB), (peerB, sinkA) })
        {
            Assert.Equal(received is not null, sent.Reads > 0);
            if (received is not null)
            {
                Assert.True(received.Complete);
                Assert.Equal(sent.Share!.Data, received.Share!.Data);
            }
        }
    }

    [Fact]
    public async Task ASinkThatCannotWriteAbortsBothParties()
    {
        var random = new Random(17);
        var left = TwoParties.Random(random, 8, 3, 16);
        var right = TwoParties.Random(random, 3, 2, 16);

        var (listening, calling) = Start(left, new MatrixSink { FailAfter = 0 }, right, new MatrixSink(), ShareDomain.Ring64);

        var mine = await Assert.ThrowsAsync<SessionAbortedException>(() => listening);
        var peers = await Assert.ThrowsAsync<SessionAbortedException>(() => calling);
        Assert.False(mine.RaisedByPeer);
        Assert.True(peers.RaisedByPeer);
        Assert.Equal(AbortReason.Internal, peers.Reason);
        Assert.Contains("outputs could not be written", peers.Message, StringComparison.Ordinal);
    }

    private async Task<(PartyResult Left, PartyResult Right)> Run(Matrix<long> left, IShareSink leftSink, Matrix<long> right, IShareSink rightSink, ShareDomain domain)
    {
        var (listening, calling) = Start(left, leftSink, right, rightSink, domain);
        return (await listening, await calling);
    }

    private (Task<PartyResult> Left, Task<PartyResult> Right) Start(
        Matrix<long> left, IShareSink leftSink, Matrix<long> right, IShareSink rightSink, ShareDomain domain, Reveal reveal = Reveal.None, IShareSink? leftPeer = null, IShareSink? rightPeer = null)
    {
        var port = TwoParties.FreePort();
        var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var listening = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Left, keys.Left) with { Domain = domain, Reveal = reveal, BlockBytes = 100 }, left, new PartyEndpoint("127.0.0.1", port), null, cts.Token, TwoParties.SerializeAll, shareSink: leftSink, peerShareSink: leftPeer);
        var calling = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Right, keys.Right) with { Domain = domain, Reveal = reveal, BlockBytes = 100 }, right, new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}"), null, cts.Token, TwoParties.SerializeAll, shareSink: rightSink, peerShareSink: rightPeer);
        _ = Task.WhenAll(listening, calling).ContinueWith(_ => cts.Dispose(), TaskScheduler.Default);
        return (listening, calling);
    }

    /// <summary>A sink into a matrix that checks every entry arrives once and within the domain.</summary>
    private sealed class MatrixSink : IShareSink
    {
        private bool[] seen = [];
        private int writes;

        public ShareLayout? Layout { get; private set; }

        public Matrix<BigInteger>? Share { get; private set; }

        public int FailAfter { get; init; } = int.MaxValue;

        /// <summary>Read-backs so far (a share revealed to the peer is read back from its sink).</summary>
        public int Reads { get; private set; }

        public bool Complete => seen.Length > 0 && seen.All(x => x);

        public void Open(ShareLayout layout)
        {
            Layout = layout;
            Share = new Matrix<BigInteger>(layout.Rows, layout.Columns);
            seen = new bool[layout.Rows * layout.Columns];
        }

        public void Write(ShareRegion region)
        {
            if (++writes > FailAfter)
            {
                throw new IOException("no space left on device");
            }

            for (var r = 0; r < region.Rows; r++)
            {
                for (var c = 0; c < region.Columns; c++)
                {
                    var entry = ((region.FirstRow + r) * Share!.Columns) + region.FirstColumn + c;
                    var value = region.Values[(r * region.Columns) + c];
                    Assert.False(seen[entry], $"entry {entry} written twice");
                    Assert.True(Layout!.Domain == ShareDomain.Integer || (value.Sign >= 0 && value <= ulong.MaxValue));
                    (seen[entry], Share.Data[entry]) = (true, value);
                }
            }
        }

        public BigInteger[] Read(long first, int count)
        {
            Assert.True(seen.AsSpan((int)first, count).IndexOf(false) < 0, $"entries [{first}, {first + count}) read back before they were written");
            Reads++;
            return Share!.Data.AsSpan((int)first, count).ToArray();
        }
    }
}
