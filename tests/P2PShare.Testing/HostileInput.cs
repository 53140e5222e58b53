using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using P2PShare.Protocol.Framing;

namespace P2PShare.Testing;

/// <summary>
/// Bytes a hostile or broken client might send: random noise, valid frames of every message type
/// mutated at the byte level (flips, truncations, insertions, forged length prefixes), and
/// well-framed headers mutated at the text level so the parsers behind the framing are reached.
/// Built from one seed that FsCheck draws (and reports on failure, for replay).
/// Shared by the codec, tracker and peer fuzz tests.
/// </summary>
public sealed record HostileInput(int Seed, bool GreetFirst)
{
    private const string A = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    /// <summary>One valid header of every message type.</summary>
    public static readonly string[] Corpus =
    [
        "type::hello;id::1;version::1;role::peer;port::6881;agent::x;",
        "type::hello;id::1;version::1;role::fetcher;port::0;",
        "type::hello;id::1;version::1;role::peer;port::1;auth::hmac-sha256;nonce::" + A + ";",
        "type::welcome;re::1;version::1;address::\\:\\:1;",
        "type::challenge;re::1;nonce::" + A + ";",
        "type::proof;id::2;proof::" + A + ";",
        "type::error;re::42;code::not_found;message::no\\;piece;",
        "type::ok;re::5;",
        "type::bye;",
        "type::announce;id::3;count::2;file.0.id::" + A + ";file.0.name::a\\;b;file.0.length::10;file.0.piece_length::4;file.1.id::" + A + ";file.1.name::c;file.1.length::20;file.1.piece_length::4;file.1.have::oA==;",
        "type::have;file::" + A + ";piece::3;",
        "type::list;id::9;name::a\\:\\:b;",
        "type::list;id::9;",
        "type::update;id::4;",
        "type::refresh;id::12;",
        "type::files;re::9;count::1;file.0.id::" + A + ";file.0.name::r.txt;file.0.length::10;file.0.piece_length::4;file.0.complete::2;file.0.partial::1;",
        "type::who_has;id::5;file::" + A + ";",
        "type::holders;re::5;file::" + A + ";name::n;length::20;piece_length::4;count::1;holder.0.host::127.0.0.1;holder.0.port::6881;holder.0.have::SA==;",
        "type::get_manifest;id::2;file::" + A + ";",
        "type::manifest;re::2;file::" + A + ";",
        "type::get_piece;id::6;file::" + A + ";piece::3;",
        "type::piece;re::6;file::" + A + ";piece::3;",
        "type::get_have;id::8;file::" + A + ";",
        "type::have_map;re::8;file::" + A + ";pieces::10;have::wEA=;",
        "type::future_thing;id::7;x::y;",
    ];

    private static readonly string[] Junk = ["", "-1", "0", "+0", "1e3", "99999999999999999999999", "2147483648", "\\q", "\\", ";", "::", ":", "\n", "\0", "..", "../../etc/passwd", "a/b", "zz", "=", "AAAA", new string('x', 300)];

    private static readonly uint[] Lengths = [0, 1, 3, 4, 5, 8, 0x7fffffff, 0x80000000, uint.MaxValue, 16 * 1024 * 1024, 16 * 1024 * 1024 + 1, 4 * 1024 * 1024 + 1];

    /// <summary>For FsCheck: a seed and whether a valid hello goes first (so the bytes reach the read loop).</summary>
    public static Arbitrary<HostileInput> Arbitrary() =>
        Arb.From(Gen.Choose(0, int.MaxValue).SelectMany(seed => Gen.Elements(false, true), (seed, greet) => new HostileInput(seed, greet)));

    /// <summary>The hostile bytes for <see cref="Seed"/>.</summary>
    public byte[] Bytes()
    {
#pragma warning disable CA5394 // test data from a reported seed, not security
        var random = new Random(Seed);
        var output = new List<byte>();
        int pieces = random.Next(1, 4);
        for (int i = 0; i < pieces; i++)
        {
            output.AddRange(random.Next(4) switch
            {
                0 => Noise(random),
                1 => MutateBytes(random, ValidFrame(random)),
                _ => Frame(MutateText(random, Corpus[random.Next(Corpus.Length)]), random),
            });
        }
        return [.. output];
    }

    private static byte[] Noise(Random random)
    {
        var bytes = new byte[random.Next(0, 64)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] ValidFrame(Random random) => Frame(Corpus[random.Next(Corpus.Length)], random);

    private static byte[] Frame(string header, Random random)
    {
        var payload = new byte[random.Next(3) == 0 ? random.Next(0, 40) : 0];
        random.NextBytes(payload);
        return FrameWriter.Encode(header, payload);
    }

    private static byte[] MutateBytes(Random random, byte[] frame)
    {
        var bytes = new List<byte>(frame);
        for (int m = random.Next(1, 4); m > 0 && bytes.Count > 0; m--)
        {
            switch (random.Next(5))
            {
                case 0:
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    int keep = random.Next(bytes.Count);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
                case 2:
                    bytes.InsertRange(random.Next(bytes.Count), Noise(random));
                    break;
                default:
                    var forged = new byte[4];
                    BinaryPrimitives.WriteUInt32BigEndian(forged, random.Next(2) == 0 ? Lengths[random.Next(Lengths.Length)] : (uint)random.NextInt64(0, uint.MaxValue));
                    int at = random.Next(2) * 4; // frame_length or header_length
                    for (int i = 0; i < 4 && at + i < bytes.Count; i++)
                        bytes[at + i] = forged[i];
                    break;
            }
        }
        return [.. bytes];
    }

    private static string MutateText(Random random, string header)
    {
        var text = new StringBuilder(header);
        for (int m = random.Next(1, 4); m > 0; m--)
        {
            int at = random.Next(text.Length + 1);
            switch (random.Next(6))
            {
                case 4:
                    text.Length = at; // cut anywhere: inside an escape, a key, a value
                    break;
                case 5:
                    text.Append(Junk[random.Next(Junk.Length)]);
                    break;
                case 0:
                    if (text.Length > 0)
                        text.Remove(Math.Min(at, text.Length - 1), 1);
                    break;
                case 1:
                    text.Insert(at, Junk[random.Next(Junk.Length)]);
                    break;
                case 2:
                    // Replace one value with junk: keeps the shape, breaks the field.
                    int colon = header.IndexOf("::", random.Next(header.Length), StringComparison.Ordinal);
                    int semi = colon < 0 ? -1 : header.IndexOf(';', colon);
                    if (semi > colon && colon >= 0)
                        return header[..(colon + 2)] + Junk[random.Next(Junk.Length)] + header[semi..];
                    break;
                default:
                    text.Insert(at, (char)random.Next(0, 0x3000));
                    break;
            }
        }
        return text.ToString();
    }
#pragma warning restore CA5394

    /// <summary>
    /// Sends the bytes (after a valid <paramref name="hello"/> when <see cref="GreetFirst"/>), ends our side of the
    /// stream, and reports whether the server then closed the connection within <paramref name="deadline"/>.
    /// </summary>
    public async Task<bool> SendAndExpectCloseAsync(Stream stream, Socket socket, string hello, TimeSpan deadline)
    {
        try
        {
            if (GreetFirst)
                await stream.WriteAsync(FrameWriter.Encode(hello, [])).AsTask().WaitAsync(deadline);
            await stream.WriteAsync(Bytes()).AsTask().WaitAsync(deadline);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // The server closed first: that is the outcome we want.
        }
        return await ClosedByServerAsync(stream, deadline);
    }

    /// <summary>True once the other side has closed (end of stream or reset); false if still open after <paramref name="deadline"/>.</summary>
    public static async Task<bool> ClosedByServerAsync(Stream stream, TimeSpan deadline)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer).AsTask().WaitAsync(deadline) > 0)
            {
                // Drain whatever was sent before the close (replies, an error).
            }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>What FsCheck prints for a failing case: enough to replay it.</summary>
    public override string ToString()
    {
        var bytes = Bytes();
        return $"HostileInput(Seed={Seed}, GreetFirst={GreetFirst}, {bytes.Length} bytes: {Convert.ToHexString(bytes.AsSpan(0, Math.Min(48, bytes.Length)))}...)";
    }
}
