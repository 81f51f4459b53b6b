//! (placeholder: the serve module lands here)
