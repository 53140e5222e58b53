using System.Net;
using P2PShare.Protocol.Files;

namespace P2PShare.Tracker.Registry;

/// <summary>A joined client: where it serves pieces and which files it holds.</summary>
internal sealed class ClientRecord(IPEndPoint servingEndPoint)
{
    /// <summary>The address seen on its socket and the port its hello named (0: it serves nothing).</summary>
    public IPEndPoint ServingEndPoint { get; } = servingEndPoint;

    /// <summary>The address as text, made once: every who-has answer that lists this client names it.</summary>
    public string ServingHost { get; } = servingEndPoint.Address.ToString();

    public bool Serves => ServingEndPoint.Port != 0;

    /// <summary>Its holdings by id: one shape per id and client (an honest holder knows the true one).</summary>
    public Dictionary<FileId, FileRecord> Files { get; } = [];
}
