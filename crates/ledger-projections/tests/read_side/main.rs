//! Integration tests of the read side over one in-memory decision cycle, asserting what
//! a reader of the API or the newsletter would see.

mod digest;
mod fixture;
mod openapi;
mod pagination;
mod rebuild;
mod results;
