//! A recording HTTP/1.1 forwarder between tandem and llama-server. Every connection carries one
//! request (`Connection: close` both ways), so the response is simply copied until the upstream
//! closes, streamed bytes pass through as they come, and a client that hangs up early is noticed
//! at once and the upstream connection dropped, exactly as llama-server would see it directly.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::upstream_response::{facts, ResponseFacts};

/// Largest request body accepted (prompts are a few KB).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// One request that went through the proxy.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub path: String,
    /// When the whole request had arrived and was sent upstream.
    pub started: Instant,
    /// When the upstream finished, or the client hung up.
    pub ended: Instant,
    /// The client closed the connection before the upstream finished its answer.
    pub client_closed: bool,
    /// The request body as tandem sent it (the prompt, for generations).
    pub request_body: Vec<u8>,
    pub response: ResponseFacts,
}

impl Exchange {
    /// A request that ran the model (rather than tokenize, health, props...).
    pub fn is_generation(&self) -> bool {
        matches!(
            self.path.as_str(),
            "/completion" | "/completions" | "/infill" | "/v1/completions"
        )
    }
}

/// The running proxy; stops accepting when dropped.
pub struct Proxy {
    pub url: String,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    accept: JoinHandle<()>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let exchanges = Arc::new(Mutex::new(Vec::new()));
        let sink = exchanges.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let sink = sink.clone();
                tokio::spawn(async move {
                    if let Err(e) = forward(client, upstream, &sink).await {
                        eprintln!("typing_replay proxy: {e}");
                    }
                });
            }
        });
        Ok(Self {
            url,
            exchanges,
            accept,
        })
    }

    /// The exchanges recorded since the last call, oldest first.
    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *lock(&self.exchanges))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// The request line and headers, as sent.
struct Head {
    request_line: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn read_head<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
) -> std::io::Result<Option<Head>> {
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).await? == 0 {
        return Ok(None);
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Err(std::io::Error::other("client closed inside the headers"));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    Ok(Some(Head {
        request_line: request_line.trim_end_matches(['\r', '\n']).to_string(),
        headers,
    }))
}

/// Headers that describe one hop, replaced by the proxy's own.
fn hop_by_hop(name: &str) -> bool {
    ["connection", "keep-alive", "proxy-connection", "host"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

async fn forward(
    client: TcpStream,
    upstream: SocketAddr,
    sink: &Mutex<Vec<Exchange>>,
) -> std::io::Result<()> {
    client.set_nodelay(true)?;
    let (client_read, mut client_write) = client.into_split();
    let mut client_read = BufReader::new(client_read);
    let Some(head) = read_head(&mut client_read).await? else {
        return Ok(());
    };
    if head
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        client_write
            .write_all(
                b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await?;
        return Err(std::io::Error::other(
            "chunked request bodies are not supported",
        ));
    }
    let length: usize = head
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if length > MAX_BODY {
        return Err(std::io::Error::other(format!(
            "request body of {length} bytes"
        )));
    }
    let mut body = vec![0; length];
    client_read.read_exact(&mut body).await?;
    let path = head
        .request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .split('?')
        .next()
        .unwrap_or("")
        .to_string();

    let mut upstream_stream = TcpStream::connect(upstream).await?;
    upstream_stream.set_nodelay(true)?;
    let mut request = format!(
        "{}\r\nHost: {upstream}\r\nConnection: close\r\n",
        head.request_line
    );
    for (name, value) in head.headers.iter().filter(|(n, _)| !hop_by_hop(n)) {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut request = request.into_bytes();
    request.extend_from_slice(&body);
    let started = Instant::now();
    upstream_stream.write_all(&request).await?;

    let mut raw: Vec<u8> = Vec::new();
    let mut head_sent = false;
    let mut buf = vec![0u8; 16 * 1024];
    let mut probe = [0u8; 64];
    let client_closed = loop {
        tokio::select! {
            read = upstream_stream.read(&mut buf) => {
                let n = match read {
                    Ok(0) | Err(_) => break false,
                    Ok(n) => n,
                };
                raw.extend_from_slice(&buf[..n]);
                let outgoing = if head_sent {
                    buf[..n].to_vec()
                } else {
                    match rewrite_response_head(&raw) {
                        Some(bytes) => { head_sent = true; bytes }
                        None => continue,
                    }
                };
                if client_write.write_all(&outgoing).await.is_err() {
                    break true;
                }
            }
            // The client sends nothing after its request: any read result means it hung up.
            read = client_read.read(&mut probe) => {
                if matches!(read, Ok(0) | Err(_)) {
                    break true;
                }
            }
        }
    };
    let ended = Instant::now();
    if !head_sent && !client_closed && !raw.is_empty() {
        // A response without a blank line after its head: pass it on as it is.
        let _ = client_write.write_all(&raw).await;
    }
    let _ = client_write.shutdown().await;
    let response = facts(&raw);
    lock(sink).push(Exchange {
        path,
        started,
        ended,
        client_closed: client_closed && !response.finished,
        request_body: body,
        response,
    });
    Ok(())
}

/// Once the whole response head arrived: the head with `Connection: close` (the upstream closes
/// after this response and so does the proxy) followed by the body bytes received so far.
fn rewrite_response_head(raw: &[u8]) -> Option<Vec<u8>> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let mut out = lines
        .next()
        .unwrap_or("HTTP/1.1 502 Bad Gateway")
        .to_string();
    out.push_str("\r\n");
    for line in lines {
        let name = line.split(':').next().unwrap_or("");
        if !hop_by_hop(name) {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&raw[end + 4..]);
    Some(bytes)
}
