using System.Numerics;
using Duet.Actors;
using Duet.Crypto.Encoding;
using Duet.Host.Commands;
using Duet.Host.Files;

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
        Outputs.WriteShare(whole, share, domain);
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
