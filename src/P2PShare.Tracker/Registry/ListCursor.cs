using System.Globalization;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Tracker.Registry;

/// <summary>
/// Where a page of the file list ended: the sort key (name, id, length, piece length) of its last
/// entry. Its text is <c>ID.LENGTH.PIECE_LENGTH.NAME</c>, opaque to clients. Nothing is kept per
/// client: a page starts after the key, so files that come or go between pages move nothing else.
/// </summary>
internal readonly record struct ListCursor(string Name, FileId Id, FileShape Shape)
{
    public static ListCursor Of(NetworkFile file) => new(file.Name, file.Id, new FileShape(file.Length, file.PieceLength));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Id}.{Shape.Length}.{Shape.PieceLength}.{Name}");

    public static bool TryParse(string text, out ListCursor cursor)
    {
        cursor = default;
        var parts = text.Split('.', 4);
        if (parts.Length != 4 || !FileId.TryParse(parts[0], out var id)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long length)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int pieceLength))
            return false;
        cursor = new ListCursor(parts[3], id, new FileShape(length, pieceLength));
        return true;
    }

    /// <summary>The list's order: by name, then id, then shape (ordinal, so every tracker agrees).</summary>
    public static int Compare(NetworkFile a, NetworkFile b) => Compare(Of(a), Of(b));

    public static int Compare(ListCursor a, ListCursor b)
    {
        int order = string.CompareOrdinal(a.Name, b.Name);
        if (order == 0)
            order = a.Id.Bytes.SequenceCompareTo(b.Id.Bytes); // the order of the lowercase hex
        if (order == 0)
            order = a.Shape.Length.CompareTo(b.Shape.Length);
        return order != 0 ? order : a.Shape.PieceLength.CompareTo(b.Shape.PieceLength);
    }
}
