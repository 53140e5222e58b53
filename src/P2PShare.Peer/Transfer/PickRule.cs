namespace P2PShare.Peer.Transfer;

/// <summary>Which of the picker's rules chose a piece (logged with each request, to tell where duplicates come from).</summary>
public enum PickRule
{
    /// <summary>A seeder run: a piece only seeders have; the seeder may answer <c>elsewhere</c>.</summary>
    Run,

    /// <summary>
    /// A seeder-run piece a seeder answered <c>elsewhere</c> for, asked again once the deferral passed
    /// with no downloader known to hold it, still with <c>defer</c>: the seeder knows best whether the
    /// downloader it went to is still connected (it forgets a send when that fetcher leaves) and within
    /// its memory. Asked without <c>defer</c>, at N=15 these were most of the seeder's second copies:
    /// a piece took longer than the deferral to cross a shared link and be heard of.
    /// </summary>
    RunAgain,

    /// <summary>
    /// A seeder-run piece a seeder has answered <c>elsewhere</c> for longer than
    /// <see cref="PiecePicker.ElsewhereBound"/>: asked without <c>defer</c>, so an honest server sends it and
    /// one that answers <c>elsewhere</c> anyway breaks the protocol and is dropped (a stranger's server that
    /// answered it to everything kept a download asking 180 times a second, forever).
    /// </summary>
    RunInsist,

    /// <summary>The rarest piece the holder has that nobody is fetching.</summary>
    Rarest,

    /// <summary>End-game: every missing piece is in flight; this one is asked from a second holder.</summary>
    EndGame,
}
