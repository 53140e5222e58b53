using P2PShare.Protocol.Files;

namespace P2PShare.Tracker.Registry;

/// <summary>
/// One client's copy of a file: the names it gives it and the pieces it has (null: all). A folder
/// often holds one content under several names (empty files, copies); each name is listed.
/// </summary>
internal sealed class Holding(string name, PieceSet? have)
{
    private readonly List<string> _names = [name];

    /// <summary>The first name announced.</summary>
    public string Name => _names[0];

    /// <summary>Every name announced for this content, in announce order, without repeats.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Owned by the registry; cloned before it leaves the lock.</summary>
    public PieceSet? Have { get; set; } = have;

    public bool IsComplete => Have is null || Have.IsComplete;

    /// <summary>Adds <paramref name="name"/>; false when it is named so already.</summary>
    public bool AddName(string name)
    {
        if (_names.Contains(name, StringComparer.Ordinal))
            return false;
        _names.Add(name);
        return true;
    }
}
