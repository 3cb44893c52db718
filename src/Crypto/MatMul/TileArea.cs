namespace Duet.Crypto.MatMul;

/// <summary>The results of one evaluation tile: row groups [FirstRowGroup, EndRowGroup) by column groups
/// [FirstColumnGroup, EndColumnGroup) (<see cref="PackingPlan.Tile"/>).</summary>
public readonly record struct TileArea(int FirstRowGroup, int EndRowGroup, int FirstColumnGroup, int EndColumnGroup)
{
    public int RowGroupCount => EndRowGroup - FirstRowGroup;

    public int ColumnGroupCount => EndColumnGroup - FirstColumnGroup;

    /// <summary>Position of the result of a row group and column group of this tile among the tile's results.</summary>
    public int Position(int rowGroup, int columnGroup) => ((rowGroup - FirstRowGroup) * ColumnGroupCount) + columnGroup - FirstColumnGroup;
}

/// <summary>A rectangle of the canonical Z: rows [FirstRow, FirstRow + Rows) by columns [FirstColumn, FirstColumn + Columns).</summary>
public readonly record struct ProductBand(int FirstRow, int Rows, int FirstColumn, int Columns);
