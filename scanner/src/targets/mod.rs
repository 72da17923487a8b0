//! One module per target kind; each turns an [`Artifact`](crate::artifact::Artifact) into
//! typed [`Fact`](crate::facts::Fact)s.

pub mod certificate;
pub mod pem;
