"""Prepaid vouchers (scratch cards): generate batches, redeem a PIN onto a prepaid balance exactly once.

- ``models``: the voucher and the refused-attempt tables;
- ``pins``: making, cleaning and digesting PINs (why a keyed HMAC: see there);
- ``issuing``: a batch of new vouchers; ``redemption``: one voucher onto a balance;
- ``lockout``: refused attempts and the lock-out that stops PIN guessing.

The services are importable from here; the models from ``billing.vouchers.models``.
"""
from billing.vouchers.issuing import NewVoucher, generate_vouchers
from billing.vouchers.lockout import MAX_REFUSALS, REFUSAL_WINDOW, VoucherLocked
from billing.vouchers.pins import clean_pin, pin_digest
from billing.vouchers.redemption import redeem_voucher

__all__ = ["MAX_REFUSALS", "REFUSAL_WINDOW", "NewVoucher", "VoucherLocked", "clean_pin", "generate_vouchers",
           "pin_digest", "redeem_voucher"]
