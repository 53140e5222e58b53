using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace P2PShare.Protocol.Discovery;

/// <summary>
/// The DNS wire format for mDNS (RFC 1035 §4.1, RFC 6762 §18): reads a message, name compression
/// included, and writes one (without compression, which RFC 1035 allows). Everything read is
/// checked against the datagram's length first; a malformed message throws <see cref="ProtocolException"/>.
/// </summary>
public static class DnsCodec
{
    /// <summary>Largest message read or written: RFC 6762 §17's limit for a multicast DNS packet.</summary>
    public const int MaxMessageLength = 9000;

    private const ushort ClassIn = 1;
    private const ushort TopBit = 0x8000;
    private const ushort ResponseFlags = 0x8400; // QR and AA (RFC 6762 §18.2, §18.4)
    private const int MaxNameLength = 255;
    private const int MaxLabelLength = 63;

    /// <summary>The datagram for <paramref name="message"/>.</summary>
    public static byte[] Encode(DnsMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var output = new List<byte>(512);
        WriteUInt16(output, message.Id);
        WriteUInt16(output, message.IsResponse ? ResponseFlags : (ushort)0);
        WriteUInt16(output, checked((ushort)message.Questions.Count));
        WriteUInt16(output, checked((ushort)message.Answers.Count));
        WriteUInt16(output, 0);
        WriteUInt16(output, checked((ushort)message.Additionals.Count));
        foreach (var question in message.Questions)
        {
            WriteName(output, question.Name);
            WriteUInt16(output, (ushort)question.Type);
            WriteUInt16(output, (ushort)(ClassIn | (question.UnicastResponse ? TopBit : 0)));
        }
        foreach (var record in message.Answers.Concat(message.Additionals))
            WriteRecord(output, record);
        if (output.Count > MaxMessageLength)
            throw new ProtocolException(string.Create(CultureInfo.InvariantCulture, $"DNS message of {output.Count} bytes exceeds the limit of {MaxMessageLength}"));
        return [.. output];
    }

    /// <summary>Reads a message; throws <see cref="ProtocolException"/> when it is malformed or too long.</summary>
    public static DnsMessage Decode(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length > MaxMessageLength)
            throw new ProtocolException(string.Create(CultureInfo.InvariantCulture, $"DNS message of {datagram.Length} bytes exceeds the limit of {MaxMessageLength}"));
        int offset = 0;
        ushort id = ReadUInt16(datagram, ref offset);
        ushort flags = ReadUInt16(datagram, ref offset);
        int questionCount = ReadUInt16(datagram, ref offset);
        int answerCount = ReadUInt16(datagram, ref offset);
        int authorityCount = ReadUInt16(datagram, ref offset);
        int additionalCount = ReadUInt16(datagram, ref offset);
        var questions = new List<DnsQuestion>(Math.Min(questionCount, 16));
        for (int i = 0; i < questionCount; i++)
        {
            string name = ReadName(datagram, ref offset);
            var type = (DnsRecordType)ReadUInt16(datagram, ref offset);
            ushort @class = ReadUInt16(datagram, ref offset);
            if ((@class & ~TopBit) == ClassIn || (@class & ~TopBit) == 255)
                questions.Add(new DnsQuestion(name, type, (@class & TopBit) != 0));
        }
        var answers = ReadRecords(datagram, ref offset, answerCount);
        ReadRecords(datagram, ref offset, authorityCount); // RFC 6762 §8.2: probes put proposed records here; we do not probe
        var additionals = ReadRecords(datagram, ref offset, additionalCount);
        return new DnsMessage(id, (flags & TopBit) != 0, questions, answers, additionals);
    }

    private static List<DnsRecord> ReadRecords(ReadOnlySpan<byte> datagram, ref int offset, int count)
    {
        var records = new List<DnsRecord>(Math.Min(count, 16));
        for (int i = 0; i < count; i++)
        {
            string name = ReadName(datagram, ref offset);
            var type = (DnsRecordType)ReadUInt16(datagram, ref offset);
            ushort @class = ReadUInt16(datagram, ref offset);
            uint ttl = ReadUInt32(datagram, ref offset);
            int length = ReadUInt16(datagram, ref offset);
            if (length > datagram.Length - offset)
                throw new ProtocolException("DNS record data runs past the end of the message");
            int start = offset;
            var record = new DnsRecord(name, type, ttl, (@class & TopBit) != 0);
            switch (type)
            {
                case DnsRecordType.ServicePointer:
                    record = record with { Target = ReadName(datagram, ref offset) };
                    break;
                case DnsRecordType.Srv:
                    offset += 4; // priority and weight: one instance per tracker, so neither matters
                    int port = ReadUInt16(datagram, ref offset);
                    record = record with { Port = port, Target = ReadName(datagram, ref offset) };
                    break;
                case DnsRecordType.Txt:
                    record = record with { Text = ReadStrings(datagram.Slice(start, length)) };
                    break;
                case DnsRecordType.A when length == 4:
                case DnsRecordType.Aaaa when length == 16:
                    record = record with { Address = new IPAddress(datagram.Slice(start, length)) };
                    break;
                case DnsRecordType.A or DnsRecordType.Aaaa:
                    throw new ProtocolException(string.Create(CultureInfo.InvariantCulture, $"DNS {type} record of {length} bytes"));
                default:
                    break;
            }
            if (offset - start > length)
                throw new ProtocolException("DNS record data is longer than its length says");
            offset = start + length;
            if ((@class & ~TopBit) == ClassIn)
                records.Add(record);
        }
        return records;
    }

    private static string[] ReadStrings(ReadOnlySpan<byte> data)
    {
        var strings = new List<string>();
        int offset = 0;
        while (offset < data.Length)
        {
            int length = data[offset++];
            if (length > data.Length - offset)
                throw new ProtocolException("DNS TXT string runs past its record");
            if (length > 0) // RFC 6763 §6.1: a TXT record with no strings is sent as one empty string
                strings.Add(Encoding.UTF8.GetString(data.Slice(offset, length)));
            offset += length;
        }
        return [.. strings];
    }

    // A name, following compression pointers (RFC 1035 §4.1.4). Each pointer must point before the
    // one that led to it, so a loop is impossible and the work bounded by the message's length.
    private static string ReadName(ReadOnlySpan<byte> datagram, ref int offset)
    {
        var name = new StringBuilder();
        int position = offset;
        int limit = offset; // a pointer must point strictly before this
        bool jumped = false;
        while (true)
        {
            if (position >= datagram.Length)
                throw new ProtocolException("DNS name runs past the end of the message");
            int length = datagram[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= datagram.Length)
                    throw new ProtocolException("DNS name pointer runs past the end of the message");
                int target = ((length & 0x3F) << 8) | datagram[position + 1];
                if (target >= limit)
                    throw new ProtocolException("DNS name pointer does not point backwards");
                if (!jumped)
                    offset = position + 2;
                jumped = true;
                limit = target;
                position = target;
                continue;
            }
            if ((length & 0xC0) != 0)
                throw new ProtocolException("DNS label of an unknown kind");
            position++;
            if (length == 0)
                break;
            if (length > datagram.Length - position)
                throw new ProtocolException("DNS label runs past the end of the message");
            if (name.Length > 0)
                name.Append('.');
            name.Append(Encoding.UTF8.GetString(datagram.Slice(position, length)));
            if (name.Length > MaxNameLength)
                throw new ProtocolException("DNS name longer than 255 characters");
            position += length;
        }
        if (!jumped)
            offset = position;
        return name.ToString();
    }

    private static void WriteRecord(List<byte> output, DnsRecord record)
    {
        WriteName(output, record.Name);
        WriteUInt16(output, (ushort)record.Type);
        WriteUInt16(output, (ushort)(ClassIn | (record.CacheFlush ? TopBit : 0)));
        WriteUInt16(output, (ushort)(record.Ttl >> 16));
        WriteUInt16(output, (ushort)record.Ttl);
        int lengthAt = output.Count;
        WriteUInt16(output, 0);
        switch (record.Type)
        {
            case DnsRecordType.ServicePointer:
                WriteName(output, Required(record.Target, record));
                break;
            case DnsRecordType.Srv:
                WriteUInt16(output, 0);
                WriteUInt16(output, 0);
                WriteUInt16(output, checked((ushort)record.Port));
                WriteName(output, Required(record.Target, record));
                break;
            case DnsRecordType.Txt:
                foreach (string text in record.Text.DefaultIfEmpty(""))
                {
                    byte[] bytes = Encoding.UTF8.GetBytes(text);
                    if (bytes.Length > 255)
                        throw new ArgumentException($"TXT string '{text}' is longer than 255 bytes", nameof(record));
                    output.Add((byte)bytes.Length);
                    output.AddRange(bytes);
                }
                break;
            case DnsRecordType.A or DnsRecordType.Aaaa:
                output.AddRange(Required(record.Address, record).GetAddressBytes());
                break;
            default:
                throw new ArgumentException($"cannot write a DNS record of type {record.Type}", nameof(record));
        }
        int length = output.Count - lengthAt - 2;
        output[lengthAt] = (byte)(length >> 8);
        output[lengthAt + 1] = (byte)length;
    }

    private static T Required<T>(T? value, DnsRecord record) where T : class =>
        value ?? throw new ArgumentException($"DNS {record.Type} record for {record.Name} has no data", nameof(record));

    private static void WriteName(List<byte> output, string name)
    {
        if (name.Length > MaxNameLength)
            throw new ArgumentException($"DNS name '{name}' is longer than {MaxNameLength} characters", nameof(name));
        foreach (string label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            byte[] bytes = Encoding.UTF8.GetBytes(label);
            if (bytes.Length > MaxLabelLength)
                throw new ArgumentException($"DNS label '{label}' is longer than {MaxLabelLength} bytes", nameof(name));
            output.Add((byte)bytes.Length);
            output.AddRange(bytes);
        }
        output.Add(0);
    }

    private static void WriteUInt16(List<byte> output, ushort value)
    {
        output.Add((byte)(value >> 8));
        output.Add((byte)value);
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> datagram, ref int offset)
    {
        if (offset + 2 > datagram.Length)
            throw new ProtocolException("DNS message ends early");
        ushort value = BinaryPrimitives.ReadUInt16BigEndian(datagram[offset..]);
        offset += 2;
        return value;
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> datagram, ref int offset)
    {
        if (offset + 4 > datagram.Length)
            throw new ProtocolException("DNS message ends early");
        uint value = BinaryPrimitives.ReadUInt32BigEndian(datagram[offset..]);
        offset += 4;
        return value;
    }
}
