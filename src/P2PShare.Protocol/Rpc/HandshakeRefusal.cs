namespace P2PShare.Protocol.Rpc;

/// <summary>Why the accepting side refused a handshake, for each program to word (or log) its own way.</summary>
public enum HandshakeRefusal
{
    /// <summary>The first message was not a hello.</summary>
    NotHello = 1,

    /// <summary>The hello carried no request id.</summary>
    NoRequestId,

    /// <summary>The hello's protocol version is not ours.</summary>
    Version,

    /// <summary>The hello's role is not served here.</summary>
    Role,

    /// <summary>This side has no secret, and the greeter offered one: both sides must agree the network is open.</summary>
    OpenNetwork,

    /// <summary>This side requires a secret, and the greeter offered none.</summary>
    SecretRequired,

    /// <summary>The greeter offered an authentication scheme (or no nonce) we do not speak.</summary>
    Scheme,

    /// <summary>After the challenge, something other than a proof came.</summary>
    NoProof,

    /// <summary>The proof did not match: the greeter has a different secret.</summary>
    WrongProof,
}
