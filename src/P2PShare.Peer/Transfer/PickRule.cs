namespace P2PShare.Peer.Transfer;

/// <summary>Which of the picker's rules chose a piece (logged with each request, to tell where duplicates come from).</summary>
public enum PickRule
{
    /// <summary>A seeder run: a piece only seeders have; the seeder may answer <c>elsewhere</c>.</summary>
    Run,

    /// <summary>
    /// A seeder-run piece a seeder answered <c>elsewhere</c> for once, asked again once the deferral
    /// passed with no downloader known to hold it: without <c>defer</c>, so it is served. The downloader
    /// it went to may have finished and left (a `get` stops serving when complete); with the deferral
    /// repeated until the seeder's 4 s memory passed, the last downloaders stalled 4-9 s at the end.
    /// </summary>
    RunAgain,

    /// <summary>The rarest piece the holder has that nobody is fetching.</summary>
    Rarest,

    /// <summary>End-game: every missing piece is in flight; this one is asked from a second holder.</summary>
    EndGame,
}
