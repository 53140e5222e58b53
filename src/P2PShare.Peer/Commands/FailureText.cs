using System.Globalization;
using P2PShare.Peer.Outcomes;
using P2PShare.Cli;

namespace P2PShare.Peer.Commands;

/// <summary>Why a command failed, in the words the user sees after "error: ".</summary>
public static class FailureText
{
    /// <summary>The message for <paramref name="e"/>'s failure.</summary>
    public static string Of(PeerCommandException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Of(e.Failure);
    }

    /// <summary>The message for <paramref name="failure"/>: what went wrong and what to try.</summary>
    public static string Of(PeerFailure failure) => failure switch
    {
        WordedFailure w => w.Text,
        PortInUse p => $"cannot serve on port {p.Port}: {p.Error}. Pick another with --port, or --port 0 for any free port.",
        FolderUnusable f => f.Error,
        BadTrackerAddress b => $"'{b.Endpoint}' is not a tracker address: {b.Error}. Write it as HOST:PORT, e.g. 127.0.0.1:12500.",
        JoinFailure j => WithHint(Join(j), j),
        NotJoined => "not joined to a tracker yet: type `start` first (it looks for one on the LAN), or `start HOST:PORT`.",
        TrackerDown d => $"the connection to the tracker at {d.Tracker} was lost ({d.Reason}); reconnecting by itself in the background, try again shortly (or `start` another tracker).",
        TrackerSilent s => $"the tracker at {s.Tracker} did not answer `{s.Request}`: {s.Error}",
        FileNotFound { IdTooShort: true } n => $"no file named '{n.Asked}' in the network; to give an id, give at least 6 hex digits of it (`list` shows them).",
        FileNotFound n => $"no file named '{n.Asked}' in the network. `list` shows what there is; `update` refreshes it.",
        NameIsFolder f => $"no file named '{f.Asked}' in the network; '{f.Asked}' is a folder: get {f.Asked}/ ({f.Files} file{(f.Files == 1 ? "" : "s")}, {Units.Bytes(f.Bytes)}).",
        EmptyFolder e => $"no file under '{e.Folder}' in the network. `list` shows what there is; `update` refreshes it.",
        AmbiguousName a => Ambiguous(a),
        AlreadyDownloading d => $"'{d.Name}' ({d.Id.ShortText}) is already downloading; `status` shows how far it is.",
        NoHolder h => $"no other peer holds '{h.Name}' ({h.Id.ShortText}){(h.AnyMore ? " any more" : "")}; try `update`.",
        OnlyBadHolders b => $"'{b.Name}' ({b.Id.ShortText}) is held only by {string.Join(", ", b.Holders)}, which sent corrupt data earlier in this folder; not asked again.",
        null => throw new ArgumentNullException(nameof(failure)),
        _ => failure.ToString(),
    };

    private static string Join(JoinFailure failure) => failure switch
    {
        // Without a secret, a refusal is the tracker asking for one: say how to give it (the wire names no option).
        JoinRefused { SecretOffered: false } r => $"the tracker at {r.Tracker} refused us: {r.Reason}. Start with the network's secret (--secret-file, {SecretSources.EnvironmentVariable} or --secret).",
        JoinRefused r => $"the tracker at {r.Tracker} refused us: {r.Reason}.",
        TrackerUnreachable u => $"could not join the tracker at {u.Tracker}: {u.Error}. " +
            "Is the tracker running (dotnet run --project src/P2PShare.Tracker)? Is the address right? Is a firewall blocking the port?",
        _ => failure.ToString(),
    };

    // Joining the default after discovery found nothing: the failure is really discovery's, so say why it did not help.
    private static string WithHint(string text, JoinFailure failure) =>
        failure.Location is { } location && LocationText.WhyDiscoveryMissed(location) is { } hint ? $"{text} {hint}" : text;

    private static string Ambiguous(AmbiguousName a) =>
        $"{a.Candidates.Count} different files are called '{a.Asked}': " +
        string.Join("; ", a.Candidates.Select(f => string.Create(CultureInfo.InvariantCulture,
            $"{f.Id.ShortText} ({Units.Bytes(f.Length)}, {Report.Plural(f.CompleteHolders + f.PartialHolders, "holder")})"))) +
        $". Ask for one by its id instead, e.g. {a.Candidates[0].Id.ShortText}.";
}
