//! The accept loop: how connections are taken, limited, timed out and closed at shutdown. The
//! routes live in the router; this module only moves bytes between sockets and it.
//!
//! - **At most `max_connections`** at once: a permit is taken before `accept`, so beyond the
//!   limit new connections wait in the kernel's backlog instead of taking memory and file
//!   descriptors; an accept error (too many open files) is logged and retried, never fatal.
//! - **Idle timeout**: a connection that sends no byte for `idle_timeout` after it opened or
//!   after its last response was written is closed (a kept-alive browser connection, or one
//!   opened and left silent). While a request is being handled, no idle clock runs, so a slow
//!   report is never cut by it (the 30 s request time limit governs that).
//! - **Header timeout**: a request's head must be complete within `header_timeout` of the
//!   moment the server starts waiting for it (hyper's `header_read_timeout`): a client that
//!   trickles its headers (slowloris) is closed. Because that clock also starts when the server
//!   waits on a new or kept-alive connection, an idle connection is closed after the shorter of
//!   the two timeouts; the defaults (idle 5 s, headers 10 s) keep the idle one the shorter.
//! - **Graceful shutdown**: when the shutdown signal comes, the listener stops accepting, idle
//!   connections are closed, requests in flight are finished, and after `shutdown_timeout`
//!   whatever is left is dropped, so that the process always exits in bounded time.
//!
//! Why not `axum::serve`: it has none of these limits (measured: 200 slow-header and 500 idle
//! connections held for 60 s, and no bound on shutdown).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// Limits on connections (`serve` flags).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub idle_timeout: Duration,
    pub header_timeout: Duration,
    pub shutdown_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 512,
            idle_timeout: Duration::from_secs(5),
            header_timeout: Duration::from_secs(10),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// A socket that fails its reads once it has been idle too long: no byte received since it
/// opened or since the last bytes were written to it.
struct IdleTimeout<S> {
    inner: S,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
    /// The idle clock runs (the connection waits for a request).
    armed: bool,
}

impl<S> IdleTimeout<S> {
    fn new(inner: S, idle: Duration) -> Self {
        Self {
            inner,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
            armed: true,
        }
    }
}

impl<S> IdleTimeout<S> {
    /// A response is going out: the idle clock restarts from its last byte.
    fn wrote(&mut self, written: &Poll<io::Result<usize>>) {
        if let Poll::Ready(Ok(n)) = written
            && *n > 0
        {
            self.armed = true;
            let at = Instant::now() + self.idle;
            self.deadline.as_mut().reset(at);
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for IdleTimeout<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.armed = false;
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                if self.armed && self.deadline.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "connection idle for too long",
                    )));
                }
                Poll::Pending
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.wrote(&written);
        written
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.wrote(&written);
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Takes a permit, then a connection.
async fn accept(
    listener: &TcpListener,
    permits: &Arc<Semaphore>,
) -> Option<(TcpStream, SocketAddr, tokio::sync::OwnedSemaphorePermit)> {
    let permit = Arc::clone(permits).acquire_owned().await.ok()?;
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => return Some((stream, peer, permit)),
            Err(e) => {
                // Out of file descriptors, a connection reset before it was taken: wait a
                // little and go on; the server must not end because of one.
                tracing::warn!(error = %e, "accepting a connection failed; retrying");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then shuts down gracefully
/// within `limits.shutdown_timeout`.
///
/// # Errors
/// None today: accept errors are retried; the `Result` keeps the signature of a server.
pub async fn serve(
    router: Router,
    listener: TcpListener,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopped) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        // Reap the connections that ended.
        while connections.try_join_next().is_some() {}
        let (stream, peer, permit) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = accept(&listener, &permits) => match accepted {
                Some(accepted) => accepted,
                None => break,
            },
        };
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY");
        }
        let service = TowerToHyperService::new(router.clone().map_request(
            move |mut request: axum::http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        ));
        let io = TokioIo::new(IdleTimeout::new(stream, limits.idle_timeout));
        let connection = http.serve_connection(io, service);
        let mut stopped = stopped.clone();
        connections.spawn(async move {
            let _permit = permit;
            tokio::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, %peer, "connection closed");
                    }
                }
                _ = stopped.changed() => {
                    // Finish the request in flight, if any, then close.
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let open = connections.len();
    let finished = tokio::time::timeout(limits.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::warn!(
            left = connections.len(),
            of = open,
            timeout_secs = limits.shutdown_timeout.as_secs(),
            "shutdown: connections still busy after the timeout were dropped"
        );
        connections.abort_all();
    }
    Ok(())
}
