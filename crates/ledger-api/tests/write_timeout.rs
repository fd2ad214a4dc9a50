//! A client that announces a body and does not send it is answered 408 once the request
//! timeout has passed, over a real socket of the real server, and nothing is written.

mod write_fixture;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use ledger_api::{run, ServerConfig};
use write_fixture::fixture;

#[actix_web::test]
async fn a_body_that_never_arrives_is_answered_408() {
    let f = fixture();
    let config = ServerConfig {
        addr: "127.0.0.1:0".to_owned(),
        workers: Some(1),
        request_timeout: Duration::from_secs(1),
        ..ServerConfig::default()
    };
    let (tell, told) = std::sync::mpsc::channel();
    actix_web::rt::spawn(run(f.state.clone(), config, move |addrs| {
        let _ = tell.send(addrs[0]);
    }));
    let addr = loop {
        if let Ok(addr) = told.try_recv() {
            break addr;
        }
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    };
    let head = f.ledger.head();
    let token = f.tokens.secretariat.clone();
    let answer = actix_web::web::block(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        write!(
            stream,
            "POST /v1/commands HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{{\"type\": "
        )
        .unwrap();
        let mut answer = Vec::new();
        let mut buffer = [0u8; 4096];
        // Read until the server has sent its answer (it may keep the connection open).
        while !String::from_utf8_lossy(&answer).contains("\r\n\r\n{") {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert_eq!(f.ledger.head(), head);
}
