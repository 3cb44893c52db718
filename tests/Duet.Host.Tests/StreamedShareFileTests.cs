using System.Numerics;
using Duet.Actors;
using Duet.Crypto.Encoding;
using Duet.Host.Files;
using Duet.Host.Outputs;

namespace Duet.Host.Tests;

/// <summary>A share written region by region, in any order, is the file the in-memory writer writes, byte for byte,
/// and appears under its name only when committed.</summary>
public sealed class StreamedShareFileTests : IDisposable
{
    private const int ShareBits = 150;
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData("npy", ShareDomain.Ring64, 23, 7, 4, 3)]
    [InlineData("csv", ShareDomain.Ring64, 23, 7, 5, 7)]
    [InlineData("csv", ShareDomain.Integer, 17, 9, 3, 2)]
    [InlineData("npy", ShareDomain.Ring64, 1, 1, 1, 1)]
    public void Regions_in_random_order_give_the_in_memory_writers_bytes(string extension, ShareDomain domain, int rows, int columns, int bandRows, int bandColumns)
    {
        var share = RandomShare(rows, columns, domain, seed: rows + columns);
        var whole = directory.File($"whole.{extension}");
        OutputFiles.WriteShare(whole, share, domain);
        var streamedPath = directory.File($"streamed.{extension}");

        using var file = new StreamedShareFile(streamedPath);
        file.Open(new ShareLayout(Guid.NewGuid(), rows, columns, domain, ShareBits, 0));
        foreach (var region in Regions(share, bandRows, bandColumns).OrderBy(_ => Random.Shared.Next()))
        {
            file.Write(region);
        }

        using var prepared = MatrixFileAccess.Prepare(file.Finish);
        Assert.False(File.Exists(streamedPath));
        prepared.Commit();

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(streamedPath));
        Assert.Equal(share.Data, MatrixFiles.ReadIntegers(streamedPath).Data);
        Assert.Equal([$"streamed.{extension}", $"whole.{extension}"], directory.FileNames());
    }

    [Theory]
    [InlineData("npy", ShareDomain.Ring64)]
    [InlineData("csv", ShareDomain.Integer)]
    [InlineData("peer", ShareDomain.Integer)]
    public void What_was_written_reads_back_in_row_major_order(string kind, ShareDomain domain)
    {
        var share = RandomShare(9, 7, domain, seed: 4);
        using var file = kind == "peer" ? StreamedShareFile.ForPeerShare(directory.File("p.npy")) : new StreamedShareFile(directory.File($"s.{kind}"));
        file.Open(new ShareLayout(Guid.NewGuid(), 9, 7, domain, ShareBits, 0));
        foreach (var region in Regions(share, 4, 3).OrderBy(_ => Random.Shared.Next()))
        {
            file.Write(region);
        }

        Assert.Equal(share.Data, file.Read(0, 63));
        Assert.Equal(share.Data[12..31], file.Read(12, 19));
        Assert.Throws<InvalidOperationException>(() => file.Read(60, 4));
    }

    [Theory]
    [InlineData("npy", ShareDomain.Ring64, 0)]
    [InlineData("npy", ShareDomain.Ring64, 12)]
    [InlineData("csv", ShareDomain.Integer, 0)]
    [InlineData("csv", ShareDomain.Ring64, 20)]
    [InlineData("npy", ShareDomain.Integer, 0)]
    public void The_product_added_from_two_share_files_is_the_in_memory_writers_file(string extension, ShareDomain domain, int fractionBits)
    {
        // Ring64 shares of a product P, or integer shares of P small enough for a .npy int64.
        var (rows, columns) = (11, 6);
        var random = new Random(rows + fractionBits);
        var product = new Matrix<BigInteger>(rows, columns, [.. Enumerable.Range(0, rows * columns).Select(_ => (BigInteger)random.NextInt64(-(1L << 40), 1L << 40))]);
        var mask = RandomShare(rows, columns, domain, seed: 6);
        var other = new Matrix<BigInteger>(rows, columns, [.. product.Data.Zip(mask.Data, (p, m) => Shares.Reduce(p - m, domain))]);
        var layout = new ShareLayout(Guid.NewGuid(), rows, columns, domain, ShareBits + 2, fractionBits);
        using var own = new StreamedShareFile(directory.File("own.csv"));
        using var peer = StreamedShareFile.ForPeerShare(directory.File($"p.{extension}"));
        foreach (var (file, share) in new[] { (own, mask), (peer, other) })
        {
            file.Open(layout);
            Regions(share, 3, 4).ToList().ForEach(file.Write);
        }

        var whole = directory.File($"whole.{extension}");
        OutputFiles.WriteProduct(whole, Shares.Reconstruct(mask, other, domain), fractionBits);
        StreamedProductFile.Write(directory.File($"p.{extension}"), own, peer, layout);

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(directory.File($"p.{extension}")));
        if (fractionBits == 0)
        {
            Assert.Equal(product.Data, MatrixFiles.ReadIntegers(whole).Data);
        }
    }

    [Fact]
    public void A_product_too_wide_for_a_npy_int64_is_refused_and_leaves_no_file()
    {
        var layout = new ShareLayout(Guid.NewGuid(), 2, 2, ShareDomain.Integer, ShareBits, 0);
        using var own = new StreamedShareFile(directory.File("own.csv"));
        using var peer = StreamedShareFile.ForPeerShare(directory.File("p.npy"));
        own.Open(layout);
        peer.Open(layout);
        own.Write(new ShareRegion(0, 0, 2, 2, [1, 2, BigInteger.One << 70, 4]));
        peer.Write(new ShareRegion(0, 0, 2, 2, [1, 2, 3, 4]));

        var error = Assert.Throws<OutputFileException>(() => StreamedProductFile.Write(directory.File("p.npy"), own, peer, layout));
        Assert.Contains("does not fit in a .npy int64", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(directory.FileNames(), name => name.StartsWith("p.npy", StringComparison.Ordinal) && !name.Contains(".peer-share.tmp-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("npy")]
    [InlineData("csv")]
    public void A_run_that_never_finishes_leaves_no_file(string extension)
    {
        var share = RandomShare(6, 4, ShareDomain.Ring64, seed: 3);
        using (var file = new StreamedShareFile(directory.File($"s.{extension}")))
        {
            file.Open(new ShareLayout(Guid.NewGuid(), 6, 4, ShareDomain.Ring64, ShareBits, 0));
            file.Write(Regions(share, 2, 4).First());
            Assert.Single(directory.FileNames(), name => name.StartsWith($"s.{extension}.tmp-", StringComparison.Ordinal));
        }

        Assert.Empty(directory.FileNames());
    }

    [Theory]
    [InlineData("npy")]
    [InlineData("csv")]
    public void A_temporary_file_removed_during_the_run_fails_the_prepare_step(string extension)
    {
        var share = RandomShare(2, 3, ShareDomain.Ring64, seed: 8);
        using var file = new StreamedShareFile(directory.File($"s.{extension}"));
        file.Open(new ShareLayout(Guid.NewGuid(), 2, 3, ShareDomain.Ring64, ShareBits, 0));
        file.Write(Regions(share, 2, 3).Single());
        File.Delete(Assert.Single(Directory.GetFiles(directory.Path)));

        Assert.Throws<OutputFileException>(() => MatrixFileAccess.Prepare(file.Finish));
        Assert.Empty(directory.FileNames());
    }

    [Fact]
    public void A_region_outside_the_share_or_a_value_over_the_bound_is_refused()
    {
        using var file = new StreamedShareFile(directory.File("s.csv"));
        file.Open(new ShareLayout(Guid.NewGuid(), 4, 4, ShareDomain.Integer, 16, 0));

        Assert.Throws<InvalidOperationException>(() => file.Write(new ShareRegion(3, 0, 2, 1, [1, 2])));
        Assert.Throws<InvalidOperationException>(() => file.Write(new ShareRegion(0, 0, 1, 1, [BigInteger.One << 40])));
        file.Write(new ShareRegion(0, 0, 1, 1, [-(BigInteger.One << 15)]));
    }

    [Fact]
    public void Integer_shares_are_not_streamed_into_a_npy_file()
    {
        using var file = new StreamedShareFile(directory.File("s.npy"));

        Assert.Throws<OutputFileException>(() => file.Open(new ShareLayout(Guid.NewGuid(), 2, 2, ShareDomain.Integer, ShareBits, 0)));
        Assert.Empty(directory.FileNames());
    }

    private static Matrix<BigInteger> RandomShare(int rows, int columns, ShareDomain domain, int seed)
    {
        var random = new Random(seed);
        var share = new Matrix<BigInteger>(rows, columns);
        var bytes = new byte[(ShareBits / 8) - 1];
        for (var i = 0; i < share.Data.Length; i++)
        {
            random.NextBytes(bytes);
            var value = new BigInteger(bytes, isUnsigned: domain == ShareDomain.Ring64);
            share.Data[i] = Shares.Reduce(i % 5 == 0 ? BigInteger.Zero : value, domain);
        }

        return share;
    }

    private static IEnumerable<ShareRegion> Regions(Matrix<BigInteger> share, int bandRows, int bandColumns)
    {
        for (var row = 0; row < share.Rows; row += bandRows)
        {
            for (var column = 0; column < share.Columns; column += bandColumns)
            {
                var (rows, columns) = (Math.Min(bandRows, share.Rows - row), Math.Min(bandColumns, share.Columns - column));
                var values = new BigInteger[rows * columns];
                for (var r = 0; r < rows; r++)
                {
                    share.Row(row + r).Slice(column, columns).CopyTo(values.AsSpan(r * columns));
                }

                yield return new ShareRegion(row, column, rows, columns, values);
            }
        }
    }
}
