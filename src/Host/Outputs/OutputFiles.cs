using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Host.Configuration;
using Duet.Host.Files;

namespace Duet.Host.Outputs;

/// <summary>Share and product files: checked before a run starts, written (atomically, by MatrixFiles) after it ends.</summary>
internal static class OutputFiles
{
    /// <summary>
    /// Fails before any work when an output path cannot be written: unknown extension, missing directory, a
    /// directory in its place, or a directory this process cannot create files in.
    /// </summary>
    public static void Check(string path, string option)
    {
        if (MatrixFileFormats.FromPath(path) is null)
        {
            throw new UsageException($"{option} {path}: {MatrixFileFormats.UnknownExtension(path)}");
        }

        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UsageException($"{option} {path}: is a directory, not a file");
        }

        var directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
        {
            throw new UsageException($"{option} {path}: directory '{directory}' does not exist");
        }

        MatrixFileAccess.ProbeWritable(directory, problem => new UsageException($"{option} {path}: cannot write in directory '{directory}' ({problem})"));
    }

    /// <summary>Integer-domain shares carry a mask of about bz + 41 bits, so they only fit a CSV file.</summary>
    public static void CheckShare(string path, ShareDomain domain, string option)
    {
        Check(path, option);
        if (domain == ShareDomain.Integer && MatrixFileFormats.FromPath(path) == MatrixFileFormat.Npy)
        {
            throw new UsageException($"{option} {path}: integer shares are wider than int64 and are written as .csv; name a .csv file or use the ring64 share domain");
        }
    }

    /// <summary>The default product file beside a share file: share.npy → share.product.npy.</summary>
    public static string ProductPathBeside(string sharePath) =>
        Path.Combine(Path.GetDirectoryName(sharePath) ?? string.Empty, $"{Path.GetFileNameWithoutExtension(sharePath)}.product{Path.GetExtension(sharePath)}");

    /// <summary>Where a party's scratch files go: beside its share file (checked writable), else the temporary directory.</summary>
    public static string ScratchDirectory(string? sharePath) =>
        sharePath is null ? Path.GetTempPath() : Path.GetDirectoryName(Path.GetFullPath(sharePath))!;

    /// <summary>Ring64 shares as uint64 in [0, 2^64), integer shares as exact (big) integers.</summary>
    public static void WriteShare(string path, Matrix<BigInteger> share, ShareDomain domain)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (domain == ShareDomain.Ring64)
        {
            MatrixFiles.Write(path, share.Map(x => (ulong)Shares.Reduce(x, ShareDomain.Ring64)));
        }
        else
        {
            MatrixFiles.Write(path, share);
        }
    }

    /// <summary>The product as reals (the scale 2^fractionBits divided out) when it carries fraction bits, else as integers.</summary>
    public static void WriteProduct(string path, Matrix<BigInteger> product, int fractionBits)
    {
        ArgumentNullException.ThrowIfNull(product);
        if (fractionBits > 0)
        {
            MatrixFiles.Write(path, product.Map(x => FixedPoint.Decode(x, fractionBits)));
        }
        else
        {
            MatrixFiles.Write(path, product);
        }
    }
}
