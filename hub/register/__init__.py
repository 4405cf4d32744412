"""What enters a school goes through a register: borrowed and seconded teachers (seed items 15–16)."""
