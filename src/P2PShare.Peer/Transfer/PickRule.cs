namespace P2PShare.Peer.Transfer;

/// <summary>Which of the picker's rules chose a piece (logged with each request, to tell where duplicates come from).</summary>
public enum PickRule
{
    /// <summary>A seeder run: a piece only seeders have; the seeder may answer <c>elsewhere</c>.</summary>
    Run,

    /// <summary>The rarest piece the holder has that nobody is fetching.</summary>
    Rarest,

    /// <summary>End-game: every missing piece is in flight; this one is asked from a second holder.</summary>
    EndGame,
}
