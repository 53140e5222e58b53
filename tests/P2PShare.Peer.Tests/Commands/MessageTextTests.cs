using System.Net;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Discovery;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Commands;

/// <summary>Every failure and notice the engine raises, and the words the user sees for it, in one place.</summary>
public sealed class MessageTextTests
{
    private static readonly FileId IdA = FileId.Parse(new string('a', 64));
    private static readonly FileId IdB = FileId.Parse(new string('b', 64));
    private const string Tracker = "127.0.0.1:12500";

    private static readonly TrackerLocation Missed = new(Tracker,
        new DiscoveryResult(null, new TargetMiss(new IPEndPoint(IPAddress.Parse("198.51.100.9"), 12501), 3, TimeSpan.FromSeconds(1), null)),
        new DiscoveryOptions { Target = IPAddress.Parse("198.51.100.9") });

    public static TheoryData<PeerFailure, string> Failures => new()
    {
        { new WordedFailure("'frob' is not a command."), "'frob' is not a command." },
        { new PortInUse(4000, "Address already in use"), "cannot serve on port 4000: Address already in use. Pick another with --port, or --port 0 for any free port." },
        { new FolderUnusable("'/x' is a file, not a folder"), "'/x' is a file, not a folder" },
        { new BadTrackerAddress("h:x", "'x' is not a port"), "'h:x' is not a tracker address: 'x' is not a port. Write it as HOST:PORT, e.g. 127.0.0.1:12500." },
        { new JoinRefused(Tracker, "a shared secret is required here", SecretOffered: false),
            "the tracker at 127.0.0.1:12500 refused us: a shared secret is required here. Start with the network's secret (--secret-file, P2PSHARE_SECRET or --secret)." },
        { new JoinRefused(Tracker, "the proof does not match: this side has a different secret", SecretOffered: true),
            "the tracker at 127.0.0.1:12500 refused us: the proof does not match: this side has a different secret." },
        { new TrackerUnreachable(Tracker, "Connection refused"),
            "could not join the tracker at 127.0.0.1:12500: Connection refused. Is the tracker running (dotnet run --project src/P2PShare.Tracker)? Is the address right? Is a firewall blocking the port?" },
        { new TrackerUnreachable(Tracker, "Connection refused") { Location = Missed },
            "could not join the tracker at 127.0.0.1:12500: Connection refused. Is the tracker running (dotnet run --project src/P2PShare.Tracker)? Is the address right? Is a firewall blocking the port? " +
            "Discovery found no tracker either (no tracker answered at 198.51.100.9:12501 (3 tries, 1 s each)): is a tracker running on this LAN with discovery on, " +
            "and does its firewall let UDP port 12501 (and 5353 for mDNS) in? `discover` shows what was tried. Or name it: start HOST:PORT, or --tracker HOST:PORT." },
        { new NotJoined(), "not joined to a tracker yet: type `start` first (it looks for one on the LAN), or `start HOST:PORT`." },
        { new TrackerDown(Tracker, "the tracker closed the connection"),
            "the connection to the tracker at 127.0.0.1:12500 was lost (the tracker closed the connection); reconnecting by itself in the background, try again shortly (or `start` another tracker)." },
        { new TrackerSilent(Tracker, "who_has", "no answer within 10 s"), "the tracker at 127.0.0.1:12500 did not answer `who_has`: no answer within 10 s" },
        { new FileNotFound("abc", IdTooShort: true), "no file named 'abc' in the network; to give an id, give at least 6 hex digits of it (`list` shows them)." },
        { new FileNotFound("big.bin", IdTooShort: false), "no file named 'big.bin' in the network. `list` shows what there is; `update` refreshes it." },
        { new NameIsFolder("photos", Files: 3, Bytes: 1572864), "no file named 'photos' in the network; 'photos' is a folder: get photos/ (3 files, 1.5 MiB)." },
        { new EmptyFolder("photos/"), "no file under 'photos/' in the network. `list` shows what there is; `update` refreshes it." },
        { new AmbiguousName("report.txt", [new NetworkFile(IdA, "report.txt", 10, 4, 1, 0), new NetworkFile(IdB, "report.txt", 2048, 4, 1, 1)]),
            "2 different files are called 'report.txt': aaaaaaaa (10 B, 1 holder); bbbbbbbb (2.0 KiB, 2 holders). Ask for one by its id instead, e.g. aaaaaaaa." },
        { new FolderBeingFetched("photos/", "photos/", FolderFetchOverlap.Same, "/home/u/share"),
            "'photos/' is being fetched into /home/u/share already (by this peer, or by another process using that folder: `status` shows this peer's). Wait for it to end, or stop it, then ask again; files it has fetched by then count as already present." },
        { new FolderBeingFetched("photos/2025/", "photos/", FolderFetchOverlap.Around, "/home/u/share"),
            "'photos/2025/' is part of 'photos/', which is being fetched into /home/u/share already (by this peer, or by another process using that folder: `status` shows this peer's). Wait for it to end, or stop it, then ask again; files it has fetched by then count as already present." },
        { new FolderBeingFetched("photos/", "photos/", FolderFetchOverlap.Inside, "/home/u/share"),
            "a folder inside 'photos/' is being fetched into /home/u/share already (by this peer, or by another process using that folder: `status` shows this peer's). Wait for it to end, or stop it, then ask again; files it has fetched by then count as already present." },
        { new AlreadyDownloading("big.bin", IdA), "'big.bin' (aaaaaaaa) is already downloading; `status` shows how far it is." },
        { new NoHolder("big.bin", IdA, AnyMore: true), "no other peer holds 'big.bin' (aaaaaaaa) any more; try `update`." },
        { new NoHolder("big.bin", IdA, AnyMore: false), "no other peer holds 'big.bin' (aaaaaaaa); try `update`." },
        { new OnlyBadHolders("album/a.jpg", IdA, ["127.0.0.1:4001"]), "'album/a.jpg' (aaaaaaaa) is held only by 127.0.0.1:4001, which sent corrupt data earlier in this folder; not asked again." },
    };

    public static TheoryData<PeerNotice, string> Notices => new()
    {
        { new HolderDropped("big.bin", new HolderAddress("127.0.0.1", 4001), new HolderDrop(HolderDropKind.CorruptPiece, Piece: 7)),
            "Dropped peer 127.0.0.1:4001 for 'big.bin': it sent a corrupt piece 7 (wrong length or SHA-256). It is not asked for this file again; other holders, if any, serve it." },
        { new HolderLost("big.bin", new HolderAddress("127.0.0.1", 4001), new HolderDrop(HolderDropKind.ConnectionLost, "the connection was reset")),
            "Lost peer 127.0.0.1:4001 for 'big.bin': the connection was reset. Dialling it again in the background; the other holders serve its pieces meanwhile." },
        { new HolderLost("big.bin", new HolderAddress("127.0.0.1", 4001), new HolderDrop(HolderDropKind.ConnectionLost, "Connection reset by peer.")),
            "Lost peer 127.0.0.1:4001 for 'big.bin': Connection reset by peer. Dialling it again in the background; the other holders serve its pieces meanwhile." },
        { new TrackerLost(Tracker, "the tracker closed the connection"),
            "Lost the tracker at 127.0.0.1:12500: the tracker closed the connection. Reconnecting by itself in the background; serving and downloads go on." },
        { new TrackerBack(Tracker, 1), "Reconnected to the tracker at 127.0.0.1:12500; re-reported 1 file." },
        { new TrackerBack(Tracker, 3), "Reconnected to the tracker at 127.0.0.1:12500; re-reported 3 files." },
        { new BeaconHeard("198.51.100.7:12500"), "Heard a tracker's beacon at 198.51.100.7:12500; joining it there." },
        { new FileRefused("b.txt", IdB, "over the limit"), "The tracker did not list 'b.txt' (bbbbbbbb): over the limit. The other files are shared." },
        { new FileRefused(null, IdB, "no"), "The tracker did not list (bbbbbbbb): no. The other files are shared." },
        { new FilesRefused(5, ["a", "b", "c"], "over the limit"), "The tracker did not list 5 files ('a', 'b', 'c' and 2 more): over the limit. The other files are shared." },
        { new MoreFilesRefused(2), "The tracker did not list 2 more files either; the other files are shared." },
        { new StaleDownloadDropped("ed.bin", IdA, 5, 32, IdB),
            "Removed the unfinished download of an earlier 'ed.bin' (aaaaaaaa, 5 of 32 pieces): 'ed.bin' is complete here now as bbbbbbbb, and no peer holds that earlier content complete." },
        { new OnlyPartHere("ed/e2.bin", IdA, 5, 32),
            "ed/e2.bin: only this peer holds part of it (aaaaaaaa, 5 of 32 pieces, kept); nobody offers it any more, so the folder is fetched without it." },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Each_failure_reads_as_the_user_sees_it(PeerFailure failure, string expected) =>
        Assert.Equal(expected, FailureText.Of(new PeerCommandException(failure)));

    [Theory]
    [MemberData(nameof(Notices))]
    public void Each_notice_reads_as_the_user_sees_it(PeerNotice notice, string expected) => Assert.Equal(expected, NoticeText.Of(notice));

    [Fact]
    public void Every_kind_of_failure_and_notice_has_its_words_checked_here()
    {
        var failures = Failures.Select(row => row[0].GetType());
        var notices = Notices.Select(row => row[0].GetType());
        Assert.Empty(Concrete<PeerFailure>().Except(failures));
        Assert.Empty(Concrete<PeerNotice>().Except(notices));
    }

    [Fact]
    public void A_tracker_found_by_discovery_is_announced_with_how()
    {
        var found = new TrackerLocation("198.51.100.1:12500", new DiscoveryResult(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 12500), null), new DiscoveryOptions());
        Assert.Equal("Found the tracker at 198.51.100.1:12500 by discovery (asked broadcast, mDNS and a /24 sweep on every interface).", LocationText.Account(found));
        Assert.Null(LocationText.WhyDiscoveryMissed(found));
    }

    [Fact]
    public void A_missed_discovery_says_it_tries_the_default()
    {
        Assert.Equal("Discovery found no tracker: no tracker answered at 198.51.100.9:12501 (3 tries, 1 s each). Trying the default, 127.0.0.1:12500.", LocationText.Account(Missed));
    }

    [Fact]
    public void A_named_tracker_needs_no_account_and_no_hint()
    {
        var named = new TrackerLocation(Tracker, null, null);
        Assert.Null(LocationText.Account(named));
        Assert.Null(LocationText.WhyDiscoveryMissed(named));
    }

    private static IEnumerable<Type> Concrete<T>() =>
        typeof(T).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(T)) && !t.IsAbstract);
}
