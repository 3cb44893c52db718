using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Host.Files;
using Xunit;

namespace Duet.Host.Tests;

public sealed class FilesAtomicWriteTests : IDisposable
{
    private static readonly Matrix<BigInteger> TooBigForInt64 = new(2, 2, [1, 2, 3, BigInteger.Pow(2, 63)]);

    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Big_integers_beyond_int64_to_npy_fail_before_writing_anything()
    {
        var path = directory.File("share.npy");

        var e = Assert.Throws<OutputFileException>(() => MatrixFiles.Write(path, TooBigForInt64));

        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Equal((2, 2), (e.Row, e.Column));
        Assert.Contains("9223372036854775808", e.Message, StringComparison.Ordinal);
        Assert.Contains(".csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("ring64", e.Message, StringComparison.Ordinal);
        Assert.Empty(directory.FileNames());
    }

    [Fact]
    public void Files_written_together_appear_together_or_not_at_all()
    {
        var share = directory.WriteText("share.csv", "previous share");
        var product = directory.File("product.npy");

        // The share is written first and fine; the product fails: neither appears, the old share stays.
        Assert.Throws<OutputFileException>(() => MatrixFileAccess.WriteTogether(() =>
        {
            MatrixFiles.Write(share, new Matrix<long>(1, 2, [5, 6]));
            Assert.Equal("previous share", File.ReadAllText(share));
            MatrixFiles.Write(product, TooBigForInt64);
        }));
        Assert.Equal("previous share", File.ReadAllText(share));
        Assert.Equal(["share.csv"], directory.FileNames());

        MatrixFileAccess.WriteTogether(() =>
        {
            MatrixFiles.Write(share, new Matrix<long>(1, 2, [5, 6]));
            MatrixFiles.Write(product, new Matrix<long>(1, 1, [7]));
        });
        Assert.Equal([5L, 6L], MatrixFiles.ReadIntegers(share).Data.Select(v => (long)v));
        Assert.Equal([7L], MatrixFiles.ReadIntegers(product).Data.Select(v => (long)v));
        Assert.Equal(["product.npy", "share.csv"], directory.FileNames());
    }

    [Fact]
    public void A_failed_write_does_not_clobber_an_existing_file()
    {
        var path = directory.WriteText("share.npy", "previous contents");

        Assert.Throws<OutputFileException>(() => MatrixFiles.Write(path, TooBigForInt64));

        Assert.Equal("previous contents", File.ReadAllText(path));
        Assert.Equal(["share.npy"], directory.FileNames());
    }

    [Fact]
    public void A_failure_while_writing_removes_the_temporary_file_and_keeps_the_old_one()
    {
        var path = directory.WriteText("out.csv", "old");
        string? temporary = null;

        Assert.Throws<InvalidOperationException>(() => MatrixFileAccess.WriteAtomically(path, stream =>
        {
            temporary = ((FileStream)stream).Name;
            stream.Write("partial"u8);
            throw new InvalidOperationException("interrupted");
        }));

        Assert.NotNull(temporary);
        Assert.Equal(Path.Combine(directory.Path, "out.csv.tmp-"), temporary[..^12]);
        Assert.False(File.Exists(temporary));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["out.csv"], directory.FileNames());
    }

    [Fact]
    public void A_successful_write_replaces_the_file_and_leaves_no_temporary()
    {
        var path = directory.WriteText("out.csv", "old");

        MatrixFiles.Write(path, new Matrix<long>(1, 2, [1, 2]));

        Assert.Equal("1,2\n", File.ReadAllText(path));
        Assert.Equal(["out.csv"], directory.FileNames());
    }

    [Fact]
    public void Big_integers_beyond_int64_go_to_csv()
    {
        var path = directory.File("share.csv");

        MatrixFiles.Write(path, TooBigForInt64);

        Assert.Equal("1,2\n3,9223372036854775808\n", File.ReadAllText(path));
    }

    [Fact]
    public void Missing_directory_is_an_output_error()
    {
        var path = Path.Combine(directory.Path, "no-such-dir", "out.csv");

        var e = Assert.Throws<OutputFileException>(() => MatrixFiles.Write(path, new Matrix<long>(1, 1, [1])));

        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_write_names_the_output_not_its_temporary_file()
    {
        var path = Path.Combine(CliOperatorTests.UnwritableDirectory(directory), "out.csv");

        var e = Assert.Throws<OutputFileException>(() => MatrixFiles.Write(path, new Matrix<long>(1, 1, [1])));

        Assert.StartsWith(path + ": cannot write: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp-", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_output_extension_is_an_output_error()
    {
        var path = directory.File("out.txt");

        var e = Assert.Throws<OutputFileException>(() => MatrixFiles.Write(path, new Matrix<double>(1, 1, [1])));

        Assert.Contains("unknown extension '.txt'", e.Message, StringComparison.Ordinal);
        Assert.Empty(directory.FileNames());
    }
}
