"""The banks of the NAPAS 247 list that a unit's account can be at: BIN, code, short name, full name.

The BIN (bank identification number, 6 digits, assigned by the State Bank and NAPAS) is what a
VietQR carries in tag 38-01-00; the code and short name are the ones VietQR apps and the banks'
own statements use. Sources: the NAPAS member list (banks_napas_card) and the vietqr.io bank list.
A bank that merged or was renamed keeps its BIN (LienVietPostBank -> LPBank, Đông Á -> Vikki,
OceanBank -> MBV, CBBank -> VCBNeo), so the current name is shown for the old BIN.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    bin: str
    code: str  # "VCB"
    short_name: str  # "Vietcombank"
    name: str  # "Ngân hàng TMCP Ngoại thương Việt Nam"

    @property
    def label(self) -> str:
        """What a select shows: "Vietcombank — Ngân hàng TMCP Ngoại thương Việt Nam (970436)"."""
        return f"{self.short_name} — {self.name} ({self.bin})"


# The big four state-owned banks first (most units bank there), then the rest by short name.
BANKS: tuple[Bank, ...] = (
    Bank("970405", "VBA", "Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
    Bank("970418", "BIDV", "BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
    Bank("970436", "VCB", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam"),
    Bank("970415", "ICB", "VietinBank", "Ngân hàng TMCP Công thương Việt Nam"),
    Bank("970425", "ABB", "ABBANK", "Ngân hàng TMCP An Bình"),
    Bank("970416", "ACB", "ACB", "Ngân hàng TMCP Á Châu"),
    Bank("970409", "BAB", "BacABank", "Ngân hàng TMCP Bắc Á"),
    Bank("970438", "BVB", "BaoVietBank", "Ngân hàng TMCP Bảo Việt"),
    Bank("546034", "CAKE", "CAKE", "TMCP Việt Nam Thịnh Vượng - Ngân hàng số CAKE by VPBank"),
    Bank("422589", "CIMB", "CIMB", "Ngân hàng TNHH MTV CIMB Việt Nam"),
    Bank("970446", "COOPBANK", "Co-opBank", "Ngân hàng Hợp tác xã Việt Nam"),
    Bank("970431", "EIB", "Eximbank", "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam"),
    Bank("970408", "GPB", "GPBank", "Ngân hàng Thương mại TNHH MTV Dầu Khí Toàn Cầu"),
    Bank("970437", "HDB", "HDBank", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh"),
    Bank("970442", "HLBVN", "HongLeong", "Ngân hàng TNHH MTV Hong Leong Việt Nam"),
    Bank("970434", "IVB", "IndovinaBank", "Ngân hàng TNHH Indovina"),
    Bank("970452", "KLB", "KienLongBank", "Ngân hàng TMCP Kiên Long"),
    Bank("970449", "LPB", "LPBank", "Ngân hàng TMCP Lộc Phát Việt Nam"),
    Bank("970422", "MB", "MBBank", "Ngân hàng TMCP Quân đội"),
    Bank("970414", "MBV", "MBV", "Ngân hàng TNHH MTV Việt Nam Hiện Đại"),
    Bank("970426", "MSB", "MSB", "Ngân hàng TMCP Hàng Hải Việt Nam"),
    Bank("970428", "NAB", "NamABank", "Ngân hàng TMCP Nam Á"),
    Bank("970419", "NCB", "NCB", "Ngân hàng TMCP Quốc Dân"),
    Bank("970448", "OCB", "OCB", "Ngân hàng TMCP Phương Đông"),
    Bank("970430", "PGB", "PGBank", "Ngân hàng TMCP Thịnh vượng và Phát triển"),
    Bank("970439", "PBVN", "PublicBank", "Ngân hàng TNHH MTV Public Việt Nam"),
    Bank("970412", "PVCB", "PVcomBank", "Ngân hàng TMCP Đại Chúng Việt Nam"),
    Bank("970403", "STB", "Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín"),
    Bank("970400", "SGICB", "SaigonBank", "Ngân hàng TMCP Sài Gòn Công Thương"),
    Bank("970429", "SCB", "SCB", "Ngân hàng TMCP Sài Gòn"),
    Bank("970440", "SEAB", "SeABank", "Ngân hàng TMCP Đông Nam Á"),
    Bank("970443", "SHB", "SHB", "Ngân hàng TMCP Sài Gòn - Hà Nội"),
    Bank("970424", "SHBVN", "ShinhanBank", "Ngân hàng TNHH MTV Shinhan Việt Nam"),
    Bank("970410", "SCVN", "StandardChartered", "Ngân hàng TNHH MTV Standard Chartered Bank Việt Nam"),
    Bank("970407", "TCB", "Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam"),
    Bank("970423", "TPB", "TPBank", "Ngân hàng TMCP Tiên Phong"),
    Bank("546035", "Ubank", "Ubank", "TMCP Việt Nam Thịnh Vượng - Ngân hàng số Ubank by VPBank"),
    Bank("970458", "UOB", "UnitedOverseas", "Ngân hàng United Overseas - Chi nhánh TP. Hồ Chí Minh"),
    Bank("970444", "CBB", "VCBNeo", "Ngân hàng TNHH MTV Ngoại thương Công nghệ số"),
    Bank("970454", "VCCB", "VietCapitalBank", "Ngân hàng TMCP Bản Việt"),
    Bank("970441", "VIB", "VIB", "Ngân hàng TMCP Quốc tế Việt Nam"),
    Bank("970427", "VAB", "VietABank", "Ngân hàng TMCP Việt Á"),
    Bank("970433", "VIETBANK", "VietBank", "Ngân hàng TMCP Việt Nam Thương Tín"),
    Bank("970406", "DAB", "Vikki", "Ngân hàng TNHH MTV Số Vikki"),
    Bank("970432", "VPB", "VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    Bank("970421", "VRB", "VRB", "Ngân hàng Liên doanh Việt - Nga"),
    Bank("970457", "WVN", "Woori", "Ngân hàng TNHH MTV Woori Việt Nam"),
)
_BY_BIN = {b.bin: b for b in BANKS}
_BY_CODE = {b.code.upper(): b for b in BANKS}


def bank_by_bin(bin_: str) -> Bank | None:
    return _BY_BIN.get((bin_ or "").strip())


def bank_by_code(code: str) -> Bank | None:
    """The bank a statement or a feed names by its code or short name ("VCB", "Vietcombank")."""
    key = (code or "").strip().upper()
    return _BY_CODE.get(key) or next((b for b in BANKS if b.short_name.upper() == key), None)


def choices() -> list[tuple[str, str]]:
    """(BIN, label) pairs for a select, in the order above."""
    return [(b.bin, b.label) for b in BANKS]
