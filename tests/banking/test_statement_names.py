"""The sender's name read from a bank's description (issue 17 B): banks strip diacritics, so the
name comes back in Title Case without them, and never with a payment code or a bank keyword."""
import pytest

from app.banking.statements import payer_name


@pytest.mark.parametrize("description,name", [
    # Vietcombank (MBVCB.<ref>.<ref>.<NAME> chuyen tien ...; the sender also after "CT tu <account>")
    ("MBVCB.4530998360.029552.NGUYEN VAN A chuyen tien.KH24D123X", "Nguyen Van A"),
    ("MBVCB.4554223041.LE THI MINH chuyen tien.CT tu 0351000803936 LE THI MINH toi 0123", "Le Thi Minh"),
    ("MBVCB.4530998360.029552.NGUYEN THE HUNG chuyen tien.CT tu 0351000646393 NGUYEN THE HUNG toi 231814973 "
     "NGUYEN NGOC DIEP tai VPBANK", "Nguyen The Hung"),
    ("CT tu 0351000646393 NGUYEN THE HUNG to 4200199899999 KHONG TIEN NGOC tai MB", "Nguyen The Hung"),
    # MB, Techcombank, ACB: "<NAME> chuyen tien / chuyen khoan"
    ("NGUYEN VAN A chuyen khoan KH24D123X", "Nguyen Van A"),
    ("TKThe :0123456789, tai MB. PHAM MINH TUAN chuyen tien KH24D1N1A", "Pham Minh Tuan"),
    ("NGUYEN THI HOA CHUYEN KHOAN GD 123456-010124 10:00:00", "Nguyen Thi Hoa"),
    ("KH24D12N3B NGUYEN VAN HAI chuyen tien", "Nguyen Van Hai"),
    ("TRAN VAN TO chuyen tien KH24D5N1B", "Tran Van To"),
    ("LE VAN TAI chuyen tien", "Le Van Tai"),
    # IBFT, "TU:", "CT DEN:", BIDV "REM Tfr Ac:", "Nguoi chuyen:"
    ("IBFT NGUYEN VAN A chuyen tien", "Nguyen Van A"),
    ("IBFT TRAN THI BINH ung ho quy khuyen hoc KH24D7N2A", "Tran Thi Binh"),
    ("TU: TRAN THI B ND: ung ho", "Tran Thi B"),
    ("CT DEN:520112345678 HO VAN C ung ho KH24D1N2X", "Ho Van C"),
    ("REM Tfr Ac: 12345678901 DO THI DUNG ung ho", "Do Thi Dung"),
    ("Nguoi chuyen: PHAM VAN E", "Pham Van E"),
    ("IBFT From 0123456789 VO THI KIM chuyen tien", "Vo Thi Kim"),
    ("TU: 0123456789 BUI VAN LONG ND: KH24D3N1C", "Bui Van Long"),
    ("QR - DANG THU HA chuyen tien FT26276123456", "Dang Thu Ha"),
    ("Nguyễn Văn Bình ủng hộ học bổng", "Nguyen Van Binh"),
    # no name visible
    ("KH24D123X", ""),
    ("CT DEN:0123 ung ho quy KH24D1N2X", ""),
    ("ung ho quy khuyen hoc KH24D7N2A", ""),
    ("Ủng hộ quỹ khuyến học KH24D1X", ""),
    ("Phí dịch vụ tháng 10", ""),
    ("Lãi nhập vốn", ""),
    ("POS79900019.881867.20231101.121709 GD:ZALOPAY", ""),
    ("//SAL2023304S037001180096//CHI NHANH CONG TY CO PHAN ITL", ""),
    ("", ""),
])
def test_payer_name(description, name):
    assert payer_name(description) == name
