using System.Globalization;
using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// The complete holders of each file a <see cref="WhoHasMany"/> asked for, other than the asker: a table
/// of peers, then per file the indices of those holding it whole.
/// Grammar: <c>type::holders_many;re::N;peers::M;peer.J.host::ADDR;peer.J.port::PORT;count::K;file.I.id::HEX;file.I.length::L;file.I.piece_length::P;[file.I.holders::J,J,…;]</c>
/// </summary>
/// <remarks>
/// The files come in the order asked, the first <c>count</c> of them: a tracker whose reply would not
/// fit answers fewer, and the asker asks again for the rest. A file with no complete holder has no
/// <c>holders</c> key. Each peer is listed once however many files it holds, so a folder held by three
/// peers costs three addresses, not three thousand.
/// </remarks>
public sealed record HoldersMany(IReadOnlyList<HolderEntry> Peers, IReadOnlyList<FileHolders> Files) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "holders_many";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <summary>At most how many header bytes a peer adds (escaping at most doubles a character's bytes).</summary>
    public static int PeerSizeBound(HolderEntry peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return 2 * (5 + 10 + 1 + 4 + 3) + 5 + 2 * System.Text.Encoding.UTF8.GetByteCount(peer.Host);
    }

    /// <summary>At most how many header bytes a file with <paramref name="holders"/> holders adds.</summary>
    public static int FileSizeBound(int holders) => 4 * (5 + 10 + 1 + 12 + 3) + 64 + 2 * 20 + holders * 11;

    /// <summary>At most how many header bytes the message takes besides its peers and files.</summary>
    public const int HeadSizeBound = 64 + 3 * 20;

    /// <summary>The complete holders of file <paramref name="index"/>.</summary>
    public IEnumerable<HolderEntry> HoldersOf(int index) => Files[index].Holders.Select(j => Peers[j]);

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        writer.Add("peers", Peers.Count);
        for (int j = 0; j < Peers.Count; j++)
            writer.Add(ListFields.Key("peer", j, "host"), Peers[j].Host).Add(ListFields.Key("peer", j, "port"), Peers[j].Port);
        ListFields.WriteCount(writer, Files.Count);
        for (int i = 0; i < Files.Count; i++)
        {
            var (file, holders) = (Files[i].File, Files[i].Holders);
            writer.Add(ListFields.Key("file", i, "id"), file.Id.ToString())
                .Add(ListFields.Key("file", i, "length"), file.Shape.Length)
                .Add(ListFields.Key("file", i, "piece_length"), file.Shape.PieceLength);
            if (holders.Count > 0)
                writer.Add(ListFields.Key("file", i, "holders"), string.Join(',', holders.Select(j => j.ToString(CultureInfo.InvariantCulture))));
        }
    }

    internal static HoldersMany Read(Header h, ProtocolLimits limits)
    {
        int peerCount = h.RequiredInt32("peers", 0, limits.MaxListEntries);
        var peers = new List<HolderEntry>(peerCount);
        for (int j = 0; j < peerCount; j++)
            peers.Add(new HolderEntry(h.Required(ListFields.Key("peer", j, "host")), h.RequiredInt32(ListFields.Key("peer", j, "port"), 1, 65535), null));
        int count = h.RequiredInt32("count", 0, WhoHasMany.MaxFiles);
        var files = new List<FileHolders>(count);
        for (int i = 0; i < count; i++)
        {
            var file = ListFields.ReadShapedFile(h, "file", i, limits);
            var key = ListFields.Key("file", i, "holders");
            files.Add(new FileHolders(file, h.Optional(key) is { } text ? Indices(text, peerCount, key.ToString()) : []));
        }
        return new HoldersMany(peers, files);
    }

    // "0,3,5": each an index into the peer table, each at most once.
    private static List<int> Indices(string text, int peerCount, string key)
    {
        var indices = new List<int>();
        var seen = new HashSet<int>();
        foreach (var part in text.Split(','))
        {
            if (part.Length is 0 or > 10 || !part.All(char.IsAsciiDigit) || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int j) || j >= peerCount)
                throw new ProtocolException($"message 'holders_many': '{key}' holds '{Shorten(part)}', not an index of its {peerCount} peers");
            if (!seen.Add(j))
                throw new ProtocolException($"message 'holders_many': '{key}' names peer {j} twice");
            indices.Add(j);
        }
        return indices;
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
