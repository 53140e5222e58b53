namespace P2PShare.Peer.Transfer;

/// <summary>Why a download stopped using a holder.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Detail">The cause as the system or the holder put it (an exception's message); null when there is none.</param>
/// <param name="Piece">The piece concerned (a corrupt piece); -1 when none.</param>
public sealed record HolderDrop(HolderDropKind Kind, string? Detail = null, int Piece = -1)
{
    /// <summary>The holder said <c>bye</c> (PROTOCOL.md §6): it stopped serving on purpose.</summary>
    public static HolderDrop SaidBye { get; } = new(HolderDropKind.Left, "it said bye");

    /// <summary>True for a connection fault: the holder may well be back soon, so it is dialled again after a backoff.</summary>
    public bool Retry => Kind is HolderDropKind.CouldNotConnect or HolderDropKind.NoManifest or HolderDropKind.StoppedAnswering or HolderDropKind.ConnectionLost;

    /// <summary>True when it said it has no such file, or left: no fault, it simply is no holder now.</summary>
    public bool Absent => Kind is HolderDropKind.NotHolding or HolderDropKind.NoLongerHolding or HolderDropKind.Left;

    /// <summary>True when it lied (corrupt or forged data): it is not trusted again for this file.</summary>
    public bool Banned => !Retry && !Absent;

    /// <summary>For the log: the kind, the piece and the detail (users read <c>Commands.DownloadText</c>'s words instead).</summary>
    public override string ToString() =>
        Kind + (Piece >= 0 ? FormattableString.Invariant($" (piece {Piece})") : "") + (Detail is null ? "" : $": {Detail}");
}
