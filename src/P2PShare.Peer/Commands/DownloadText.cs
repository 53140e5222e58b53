using System.Globalization;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

/// <summary>The words for why a download failed and why it dropped a holder.</summary>
public static class DownloadText
{
    /// <summary>The command loop's way on after a failure, as the failure's own sentence says it.</summary>
    public const string RequestAgain = "`request` again to continue";

    private const int ListedAtMost = 10; // holders and piece ranges named in a failure

    /// <summary>Why the download failed, in the command loop's words; null unless it failed.</summary>
    public static string? Reason(DownloadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Failure is { } failure ? Failure(failure, RequestAgain) : null;
    }

    /// <summary>Why the download failed; <paramref name="again"/> says how to pick it up ("`request` again to continue").</summary>
    public static string Failure(DownloadFailure failure, string again)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(again);
        return failure.Kind switch
        {
            DownloadFailureKind.NoHolder => "no peer holds this file",
            DownloadFailureKind.NoValidManifest => $"no holder sent a manifest matching the file id: {Tried(failure.Tried)}",
            DownloadFailureKind.NoManifestReachable => string.Create(CultureInfo.InvariantCulture,
                $"none of the {failure.Holders} holder(s) could be reached within {failure.Waited.TotalSeconds:0.#} s: {Tried(failure.Tried)}"),
            DownloadFailureKind.Storage => Storage(failure, again),
            _ => Missing(failure, again),
        };
    }

    /// <summary>Why a holder was dropped, in plain words.</summary>
    public static string Drop(HolderDrop drop)
    {
        ArgumentNullException.ThrowIfNull(drop);
        return drop.Kind switch
        {
            HolderDropKind.CouldNotConnect => $"could not connect: {drop.Detail}",
            HolderDropKind.NoManifest => $"no manifest: {drop.Detail}",
            HolderDropKind.InvalidManifest => $"no valid manifest: {drop.Detail}",
            HolderDropKind.NotHolding => $"it does not have the file ({drop.Detail})",
            HolderDropKind.NoLongerHolding => $"it no longer has the file ({drop.Detail})",
            HolderDropKind.CorruptPiece => string.Create(CultureInfo.InvariantCulture, $"it sent a corrupt piece {drop.Piece} (wrong length or SHA-256)"),
            HolderDropKind.StoppedAnswering => "it stopped answering piece requests",
            HolderDropKind.Left => "it stopped serving and left",
            _ => drop.Detail ?? "the connection was lost",
        };
    }

    // Which pieces are missing, why the download gave up, and whom it tried.
    private static string Missing(DownloadFailure failure, string again)
    {
        var verified = failure.Verified ?? new Protocol.Files.PieceSet(0);
        int total = verified.Count;
        string missing = string.Create(CultureInfo.InvariantCulture, $"{total - verified.Present} of {total} pieces are missing ({PieceRanges.Missing(verified, ListedAtMost)})");
        string why = failure.Kind == DownloadFailureKind.PiecesUnavailable
            ? string.Create(CultureInfo.InvariantCulture, $"none of the {failure.Holders} reachable holder(s) has them (nothing to fetch for {failure.Waited.TotalSeconds:0.#} s)")
            : string.Create(CultureInfo.InvariantCulture, $"no holder has been reachable, or given a piece, for {failure.Waited.TotalSeconds:0.#} s");
        string tried = failure.Tried.Count == 0 ? "" : $"; tried {Tried(failure.Tried)}";
        return $"{missing}: {why}{tried}. {Kept(verified.Present, again)}";
    }

    // What is kept for next time, said only when something is (a tester read "kept" over zero pieces).
    private static string Kept(int pieces, string again) => pieces > 0
        ? string.Create(CultureInfo.InvariantCulture, $"The {pieces} verified pieces are kept; {again}")
        : char.ToUpperInvariant(again[0]) + again[1..];

    private static string Storage(DownloadFailure failure, string again)
    {
        string next = failure.DiskFull ? $"free some space, then {again}"
            : failure.NameBlocked ? "running it again meets the same unless what is in the way is moved" // `again` would promise what a rerun cannot do
            : again;
        string advice = Kept(failure.KeptPieces ?? 0, next);
        string elsewhere = failure.InUseElsewhere
            ? ": a `get`, `serve` or peer using this folder is downloading it or sharing its pieces. Only one process at a time can download a file into a folder: wait for that one to finish or stop it"
            : "";
        return $"{failure.Error}{elsewhere}. {advice}";
    }

    private static string Tried(IReadOnlyList<(HolderAddress Holder, HolderDrop Drop)> failures)
    {
        if (failures.Count == 0)
            return "none answered";
        string listed = string.Join(", ", failures.Take(ListedAtMost).Select(f => $"{f.Holder} ({Drop(f.Drop)})"));
        return failures.Count > ListedAtMost ? string.Create(CultureInfo.InvariantCulture, $"{listed} and {failures.Count - ListedAtMost} more") : listed;
    }
}
