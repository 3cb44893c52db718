namespace Duet.Actors.State;

/// <summary>
/// The sending side of credit-based flow control (docs/protocol.md §10): the peer grants cumulative credit, this party
/// computes and sends blocks below it. Tracks how far ahead of the peer's acknowledgements it ever ran.
/// </summary>
internal sealed class OutgoingWindow(int blocks, int window)
{
    public int Blocks { get; } = blocks;

    /// <summary>Blocks with an index below this may be sent.</summary>
    public int Granted { get; private set; }

    /// <summary>Blocks handed out to be computed.</summary>
    public int Started { get; private set; }

    public int Sent { get; private set; }

    /// <summary>The most blocks ever sent beyond what the peer acknowledged (granted − window).</summary>
    public int MaxInFlight { get; private set; }

    public bool Complete => Sent == Blocks;

    /// <summary>Takes a cumulative grant; false when it goes back, which the protocol forbids.</summary>
    public bool Grant(int granted)
    {
        if (granted < Granted)
        {
            return false;
        }

        Granted = granted;
        return true;
    }

    /// <summary>The next block the credit allows to start, if any.</summary>
    public bool TryStart(out int block)
    {
        block = Started;
        if (Started >= Math.Min(Granted, Blocks))
        {
            return false;
        }

        Started++;
        return true;
    }

    /// <summary>Counts a started block as sent without sending it (a tile both parties committed before a resume).</summary>
    public void Skip() => Sent++;

    public void MarkSent()
    {
        Sent++;
        var acknowledged = Math.Max(0, Granted - window);
        MaxInFlight = Math.Max(MaxInFlight, Sent - acknowledged);
    }
}

/// <summary>The receiving side: grants the sender credit for <c>window</c> blocks beyond those processed.</summary>
internal sealed class IncomingWindow(int blocks, int window)
{
    public int Blocks { get; } = blocks;

    /// <summary>Credit given so far: blocks with an index below it may arrive.</summary>
    public int Granted { get; private set; }

    public int Processed { get; private set; }

    public bool Complete => Processed == Blocks;

    public bool Allows(int block) => block < Granted;

    /// <summary>Counts blocks as processed that will never arrive (tiles both parties committed before a resume).</summary>
    public void Skip(long blocks) => Processed += checked((int)blocks);

    /// <summary>Counts one processed block; returns the new grant to send, if it grew.</summary>
    public int? MarkProcessed()
    {
        Processed++;
        return Grant();
    }

    /// <summary>The grant to send now (processed + window, at most every block), or null when it did not grow.</summary>
    public int? Grant()
    {
        var granted = Math.Min(Processed + window, Blocks);
        if (granted <= Granted)
        {
            return null;
        }

        Granted = granted;
        return granted;
    }
}
