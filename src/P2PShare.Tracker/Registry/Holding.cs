using P2PShare.Protocol.Files;

namespace P2PShare.Tracker.Registry;

/// <summary>One client's copy of a file: the name it gives it and the pieces it has (null: all).</summary>
internal sealed class Holding(string name, PieceSet? have)
{
    public string Name { get; } = name;

    /// <summary>Owned by the registry; cloned before it leaves the lock.</summary>
    public PieceSet? Have { get; set; } = have;

    public bool IsComplete => Have is null || Have.IsComplete;
}
