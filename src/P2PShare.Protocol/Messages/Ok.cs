using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// A request succeeded. Usually it carries nothing: <c>type::ok;re::N;</c>. As the answer to an
/// <see cref="Announce"/> it may say which entries the tracker did not record:
/// <c>type::ok;re::N;refused::R;count::K;refusal.I.index::X;refusal.I.id::HEX;refusal.I.reason::TEXT;</c>
/// (R entries refused in all, the first K of them listed). An announce with refused entries is
/// still a success: the rest are shared. A reader that knows nothing of refusals sees a plain ok.
/// </summary>
public sealed record Ok : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "ok";

    private const string Prefix = "refusal";

    /// <summary>Refused announce entries, at most <see cref="RefusedCount"/> of them; null when none were.</summary>
    public IReadOnlyList<AnnounceRefusal>? Refusals { get; init; }

    /// <summary>How many announce entries were refused in all, listed or not.</summary>
    public int RefusedCount { get; init; }

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        if (RefusedCount == 0 && Refusals is not { Count: > 0 })
            return;
        var listed = Refusals ?? [];
        writer.Add("refused", Math.Max(RefusedCount, listed.Count));
        ListFields.WriteCount(writer, listed.Count);
        for (int i = 0; i < listed.Count; i++)
        {
            writer.Add(ListFields.Key(Prefix, i, "index"), listed[i].Index)
                  .Add(ListFields.Key(Prefix, i, "id"), listed[i].File.ToString())
                  .Add(ListFields.Key(Prefix, i, "reason"), listed[i].Reason);
        }
    }

    internal static Ok Read(Header h, ProtocolLimits limits)
    {
        if (!h.Has("refused"))
            return new Ok();
        int refused = h.RequiredInt32("refused", 0, int.MaxValue);
        int count = ListFields.ReadCount(h, limits);
        if (count > refused)
            throw new ProtocolException($"message 'ok': {count} refusals listed but only {refused} refused");
        var refusals = new List<AnnounceRefusal>(count);
        for (int i = 0; i < count; i++)
        {
            refusals.Add(new AnnounceRefusal(
                h.RequiredInt32(ListFields.Key(Prefix, i, "index"), 0, limits.MaxListEntries - 1),
                FileId.Parse(h.Required(ListFields.Key(Prefix, i, "id"))),
                h.Required(ListFields.Key(Prefix, i, "reason"))));
        }
        return new Ok { Refusals = refusals, RefusedCount = refused };
    }
}
