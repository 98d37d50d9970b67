"""Pure rule logic of RULES §1–§4: no ORM, no clock; dates and parameters come in explicitly."""
