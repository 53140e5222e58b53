using System.Text;
using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Framing;

namespace P2PShare.Protocol.Messages;

/// <summary>Turns messages into header text and parsed headers back into messages.</summary>
public static class MessageCodec
{
    /// <summary>The header text of <paramref name="message"/>: type, then id and re when set, then its fields.</summary>
    public static string Encode(Message message)
    {
        var builder = Build(message);
        string text = builder.ToString();
        Release(builder);
        return text;
    }

    /// <summary>
    /// <paramref name="message"/> as a frame ready to send (see <see cref="FrameWriter.RentHead(ReadOnlySpan{char}, ReadOnlyMemory{byte}, ProtocolLimits)"/>),
    /// its header encoded straight into the frame's pooled buffer: no header string is made.
    /// </summary>
    internal static FrameHead EncodeFrame(Message message, ReadOnlyMemory<byte> payload, ProtocolLimits limits) =>
        EncodeFrame(message, static (header, payload, limits) => FrameWriter.RentHead(header, payload, limits), payload, limits);

    /// <summary>
    /// <paramref name="message"/> as the head of a frame whose <paramref name="payloadLength"/> payload
    /// bytes the caller sends itself, its header encoded straight into the frame's pooled buffer.
    /// </summary>
    internal static FrameHead EncodeFrame(Message message, int payloadLength, ProtocolLimits limits) =>
        EncodeFrame(message, static (header, payloadLength, limits) => FrameWriter.RentHead(header, payloadLength, limits), payloadLength, limits);

    private static FrameHead EncodeFrame<TPayload>(Message message, HeadFactory<TPayload> rentHead, TPayload payload, ProtocolLimits limits)
    {
        var builder = Build(message);
        char[] text = CharBuffers.Pool.Rent(builder.Length);
        try
        {
            builder.CopyTo(0, text, builder.Length);
            return rentHead(text.AsSpan(0, builder.Length), payload, limits);
        }
        finally
        {
            CharBuffers.Pool.Return(text);
            Release(builder);
        }
    }

    private delegate FrameHead HeadFactory<TPayload>(ReadOnlySpan<char> header, TPayload payload, ProtocolLimits limits);

    // The header in this thread's builder (see t_builder); hand it back with Release.
    private static StringBuilder Build(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Each thread reuses one builder: a tracker encodes a reply per lookup, and growing a fresh
        // builder chunk by chunk cost more garbage than the header text itself.
        var builder = t_builder ?? new StringBuilder(256);
        t_builder = null; // taken; an encode that re-enters on this thread grows its own
        var writer = new HeaderWriter(message.Type, builder);
        if (message.RequestId != 0)
            writer.Add(HeaderKeys.Id, message.RequestId);
        if (message.ReplyTo != 0)
            writer.Add(HeaderKeys.ReplyTo, message.ReplyTo);
        message.WriteFields(writer);
        return builder;
    }

    private static void Release(StringBuilder builder)
    {
        if (builder.Capacity <= MaxKeptBuilderCapacity)
            t_builder = builder;
    }

    // A tracker has a thread per client, so what each keeps must stay small: a reply to a lookup fits,
    // a builder grown by an announce or a long file list is left to the GC.
    private const int MaxKeptBuilderCapacity = 4 * 1024;

    [ThreadStatic]
    private static StringBuilder? t_builder;

    /// <summary>
    /// The message a header describes. Unknown types decode to <see cref="UnknownMessage"/>;
    /// missing or malformed fields of a known type throw <see cref="ProtocolException"/>.
    /// </summary>
    public static Message Decode(Header header, ProtocolLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        limits ??= ProtocolLimits.Default;
        Message message = header.Type switch
        {
            Hello.TypeName => Hello.Read(header),
            Welcome.TypeName => Welcome.Read(header),
            Challenge.TypeName => Challenge.Read(header),
            AuthProof.TypeName => AuthProof.Read(header),
            ErrorReply.TypeName => ErrorReply.Read(header),
            Ok.TypeName => Ok.Read(header, limits),
            Bye.TypeName => Bye.Read(header),
            Announce.TypeName => Announce.Read(header, limits),
            HavePiece.TypeName => HavePiece.Read(header),
            HaveSet.TypeName => HaveSet.Read(header, limits),
            ListFiles.TypeName => ListFiles.Read(header),
            UpdateRequest.TypeName => UpdateRequest.Read(header),
            Refresh.TypeName => Refresh.Read(header),
            FileList.TypeName => FileList.Read(header, limits),
            WhoHas.TypeName => WhoHas.Read(header, limits),
            Holders.TypeName => Holders.Read(header, limits),
            WhoHasMany.TypeName => WhoHasMany.Read(header, limits),
            HoldersMany.TypeName => HoldersMany.Read(header, limits),
            GetManifest.TypeName => GetManifest.Read(header),
            ManifestReply.TypeName => ManifestReply.Read(header),
            GetPiece.TypeName => GetPiece.Read(header),
            PieceReply.TypeName => PieceReply.Read(header),
            GetHave.TypeName => GetHave.Read(header),
            CancelRequest.TypeName => CancelRequest.Read(header),
            HaveMap.TypeName => HaveMap.Read(header, limits),
            _ => new UnknownMessage(header.Type),
        };
        return message with
        {
            RequestId = header.OptionalInt64(HeaderKeys.Id, 0, 1),
            ReplyTo = header.OptionalInt64(HeaderKeys.ReplyTo, 0, 1),
        };
    }

    /// <summary>Parses header text and decodes it.</summary>
    public static Message Decode(string headerText, ProtocolLimits? limits = null) => Decode(Header.Parse(headerText), limits);
}
