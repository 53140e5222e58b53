using P2PShare.Protocol.Messages;

namespace P2PShare.Tracker.Registry;

/// <summary>What became of one client's announce.</summary>
/// <param name="Accepted">Entries now recorded as the client's holdings.</param>
/// <param name="Rejections">Each rejected entry (its index and id) with the reason, a plain sentence; empty when all were accepted.</param>
/// <param name="ClientKnown">False when the client had already left (or never joined): nothing was recorded.</param>
public sealed record AnnounceResult(int Accepted, IReadOnlyList<AnnounceRefusal> Rejections, bool ClientKnown = true)
{
    /// <summary>True when every entry was recorded.</summary>
    public bool AllAccepted => ClientKnown && Rejections.Count == 0;
}
