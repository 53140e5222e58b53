namespace P2PShare.Protocol.Rpc;

/// <summary>
/// Admission bookkeeping for a listener: at most <c>maxTotal</c> connections at once, and at most
/// <c>maxPerAddress</c> from any one remote address, so one host cannot take every slot. Thread-safe, no I/O.
/// </summary>
public sealed class ConnectionQuota
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perAddress = new(StringComparer.Ordinal);
    private readonly int _maxTotal;
    private readonly int _maxPerAddress;
    private int _total;

    /// <summary>Creates an empty quota; both limits must be at least 1.</summary>
    public ConnectionQuota(int maxTotal, int maxPerAddress)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTotal, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerAddress, 1);
        _maxTotal = maxTotal;
        _maxPerAddress = maxPerAddress;
    }

    /// <summary>Connections admitted and not yet released.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _total;
        }
    }

    /// <summary>Takes a slot for <paramref name="address"/>: null when admitted (release it later), else why not.</summary>
    public string? TryAdmit(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_lock)
        {
            if (_total >= _maxTotal)
                return $"already serving the limit of {_maxTotal} connections";
            int held = _perAddress.GetValueOrDefault(address);
            if (held >= _maxPerAddress)
                return $"already serving the limit of {_maxPerAddress} connections from {address}";
            _perAddress[address] = held + 1;
            _total++;
            return null;
        }
    }

    /// <summary>Gives back a slot taken by <see cref="TryAdmit"/>.</summary>
    public void Release(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_lock)
        {
            if (!_perAddress.TryGetValue(address, out int held))
                return;
            if (held <= 1)
                _perAddress.Remove(address);
            else
                _perAddress[address] = held - 1;
            _total--;
        }
    }
}
