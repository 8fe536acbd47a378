//! Three-way consistency (filled in below).
