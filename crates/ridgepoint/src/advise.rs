//! (placeholder: the advise module lands here)
