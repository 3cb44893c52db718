using System.Globalization;

namespace Duet.Host.Files;

/// <summary>
/// A matrix file that cannot be read or written. The message is one line: "file: problem",
/// "file: row R, column C: problem", or, with a row but no column, "file: row R problem", where the
/// problem goes on from the row ("has 2 columns, expected 3").
/// </summary>
public abstract class MatrixFileException : Exception
{
    protected MatrixFileException(string filePath, string problem, int? row = null, int? column = null, Exception? innerException = null)
        : base(Describe(filePath, problem, row, column), innerException)
    {
        FilePath = filePath;
        Problem = problem;
        Row = row;
        Column = column;
    }

    /// <summary>The path as the caller gave it.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the file and position.</summary>
    public string Problem { get; }

    /// <summary>1-based data row (not counting a CSV header line), when the problem has one.</summary>
    public int? Row { get; }

    /// <summary>1-based column, when the problem has one.</summary>
    public int? Column { get; }

    private static string Describe(string filePath, string problem, int? row, int? column)
    {
        var where = (row, column) switch
        {
            (int r, int c) => string.Create(CultureInfo.InvariantCulture, $": row {r}, column {c}:"),
            (int r, null) => string.Create(CultureInfo.InvariantCulture, $": row {r}"),
            _ => ":",
        };
        return OneLine($"{filePath}{where} {problem}");
    }

    /// <summary>The 1-based row and column of entry <paramref name="index"/> of a row-major matrix.</summary>
    internal static (int Row, int Column) PositionOf(long index, int columns) =>
        ((int)(index / columns) + 1, (int)(index % columns) + 1);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}

/// <summary>An input matrix (or share) file that is missing, unreadable or malformed. The CLI exits with code 2.</summary>
public sealed class InputFileException : MatrixFileException
{
    public InputFileException(string filePath, string problem, int? row = null, int? column = null, Exception? innerException = null)
        : base(filePath, problem, row, column, innerException)
    {
    }
}

/// <summary>An output file that cannot be written; nothing was left at its path.</summary>
public sealed class OutputFileException : MatrixFileException
{
    public OutputFileException(string filePath, string problem, int? row = null, int? column = null, Exception? innerException = null)
        : base(filePath, problem, row, column, innerException)
    {
    }
}
