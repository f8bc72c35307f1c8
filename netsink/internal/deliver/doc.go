// Package deliver is the delivery engine of every netsink handler that is not one datagram
// per record: the writer behind Socket, stream syslog, forward, otlp, smtp and httpsink,
// configured through netsink.Delivery (FromDelivery).
//
// An Engine is an io.Writer for slogx.Handler. Write copies one encoded record into a buffer
// bounded in bytes and returns; one sender goroutine takes records from the buffer in
// batches, connects through a Transport (lazily, and again after a failure, on Python's
// backoff schedule), sends, and frees records once they are delivered.
//
// Promises:
//
//   - Blocking. Write never does network I/O. When the buffer is full it drops the newest
//     record (slogx.DropNewest), drops the oldest buffered ones (slogx.DropOldest), or waits
//     for room at most Options.EnqueueTimeout (slogx.Block; zero means no wait) and then drops
//     the newest. Flush waits at most until its context is done; Close at most
//     Options.CloseTimeout plus the time to stop an in-flight send (bounded by the transport's
//     own timeouts).
//   - Ordering. Records are sent in the order Write accepted them. After a broken connection,
//     every record not yet delivered is sent again, in order, on the next connection: a
//     transport with acknowledgements (Acker) loses nothing it was not told about, and its
//     peer removes duplicates by sequence number.
//   - Loss. A record is lost only on purpose, counted and reported through the
//     slogx.Reporter: buffer full (the error returned by Write wraps slogx.ErrBufferFull, or
//     the drop of older records is reported), refused (a permanent Send error or the retry
//     limit: one Error per batch), poison (an acknowledged transport whose peer closed the
//     connection PoisonAttempts times in a row on the same unacknowledged head record: one
//     Dropped), or still undelivered when Close gave up (Dropped, with the cause).
//   - Counting. Delivered reports records and bytes delivered: acknowledged when the
//     transport is an Acker, accepted by Send otherwise. Failed connects, broken connections
//     and refused batches are counted as Errors; discarded records as Dropped.
//
// Sequence numbers are assigned by the engine, from 1, in Write order, and never reused; a
// transport that carries them on the wire (Socket's frames) writes them into the record's
// bytes through Options.Stamp.
package deliver
