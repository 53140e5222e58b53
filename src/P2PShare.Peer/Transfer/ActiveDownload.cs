namespace P2PShare.Peer.Transfer;

/// <summary>A download running in the background, with the means to stop it.</summary>
public sealed class ActiveDownload
{
    private readonly CancellationTokenSource _stop;

    internal ActiveDownload(DownloadSession session, CancellationTokenSource stop, Task<DownloadResult> completion, bool alreadyHere = false)
    {
        AlreadyHere = alreadyHere;
        Session = session;
        _stop = stop;
        Completion = completion;
    }

    /// <summary>
    /// True when the file was complete and verified here before the download began: it ends at once with
    /// "Already have". Decided when it was requested, not by looking later: a small file may finish first.
    /// </summary>
    public bool AlreadyHere { get; }

    /// <summary>The download itself (progress, id, name).</summary>
    public DownloadSession Session { get; }

    /// <summary>Completes with the result; never faults.</summary>
    public Task<DownloadResult> Completion { get; }

    /// <summary>Asks the download to stop; verified pieces are kept. A download that has ended already is left as it is.</summary>
    public async Task StopAsync()
    {
        try
        {
            await _stop.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // It ended (its run disposes the source), e.g. a folder stopped after some of its files finished: nothing to stop.
        }
    }
}
