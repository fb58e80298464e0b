"""goods register (issue 13 A): goods_entry (append-only), donation.goods_entry_id, and the gifts
already recorded "in kind" moved out of cash

- goods_entry: the register of goods in kind (app.goods.models.GoodsEntry); the database refuses
  UPDATE and DELETE on it, like the ledger.
- donation.goods_entry_id: a gift in kind now posts a goods entry (biên bản giao nhận, GN-...)
  instead of a fund income.
- Data: every live gift in kind whose phiếu thu still stands gets its goods entry (GN numbers per
  unit and year of the gift, in date order) and a reversing ledger entry dated today with an audit
  record. The old phiếu thu keeps its number and prints ĐÃ HỦY, so nothing printed loses its history.
  The data step is `move_in_kind_gifts(conn, run_date)`, callable from a test.

Revision ID: 0013_goods
Revises: 0012_disclosure_snapshot
Create Date: 2026-11-23 09:00:00

"""
from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from app.core import append_only
from app.vn.text import fold

# revision identifiers, used by Alembic.
revision = '0013_goods'
down_revision = '0012_disclosure_snapshot'
branch_labels = None
depends_on = None

MOVE_DESCRIPTION = "Chuyển hiện vật sang sổ hiện vật: khoản này không phải tiền mặt"
MOVE_REASON = "Hiện vật không phải tiền mặt: chuyển sang sổ hiện vật (nâng cấp phần mềm)"


def upgrade():
    op.create_table('goods_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('item_key', sa.String(length=200), nullable=False),
    sa.Column('item_unit', sa.String(length=30), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('counterparty', sa.String(length=200), nullable=False),
    sa.Column('counterparty_address', sa.String(length=300), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('basis', sa.String(length=100), nullable=False),
    sa.Column('reversal_of_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_goods_entry_quantity_positive')),
    sa.CheckConstraint('value >= 0', name=op.f('ck_goods_entry_value_not_negative')),
    sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_goods_entry_direction_valid')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_goods_entry_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_goods_entry_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['reversal_of_id'], ['goods_entry.id'],
                            name=op.f('fk_goods_entry_reversal_of_id_goods_entry')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_goods_entry_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goods_entry')),
    sa.UniqueConstraint('reversal_of_id', name=op.f('uq_goods_entry_reversal_of_id')),
    sa.UniqueConstraint('unit_id', 'number', name='uq_goods_entry_unit_number')
    )
    with op.batch_alter_table('goods_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goods_entry_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('ix_goods_entry_stock', ['unit_id', 'item_key', 'item_unit', 'direction'],
                              unique=False)
        batch_op.create_index('ix_goods_entry_unit_date', ['unit_id', 'entry_date', 'id'], unique=False)
        batch_op.create_index('ix_goods_entry_source', ['source', 'source_id'], unique=False)
    # Posted goods entries are history: the database refuses UPDATE and DELETE (voiding posts a reversal).
    append_only.apply(op, 'goods_entry')

    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('goods_entry_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_donation_goods_entry_id_goods_entry'), 'goods_entry',
                                    ['goods_entry_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_donation_goods_entry_id'), ['goods_entry_id'])

    move_in_kind_gifts(op.get_bind())


def downgrade():
    # The moved gifts keep their goods entries' reversals in the ledger: history is not rewritten.
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_donation_goods_entry_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_donation_goods_entry_id_goods_entry'), type_='foreignkey')
        batch_op.drop_column('goods_entry_id')
    append_only.apply(op, 'goods_entry', create=False)
    with op.batch_alter_table('goods_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_goods_entry_source')
        batch_op.drop_index('ix_goods_entry_unit_date')
        batch_op.drop_index('ix_goods_entry_stock')
        batch_op.drop_index(batch_op.f('ix_goods_entry_unit_id'))
    op.drop_table('goods_entry')


# ---- data: gifts in kind out of cash --------------------------------------------------------------
# Plain Core tables (not the app's models, which will change after this revision).

_meta = sa.MetaData()
_donation = sa.Table('donation', _meta, sa.Column('id', sa.Integer), sa.Column('unit_id', sa.Integer),
                     sa.Column('campaign_id', sa.Integer), sa.Column('donation_date', sa.Date),
                     sa.Column('amount', sa.BigInteger), sa.Column('method', sa.String),
                     sa.Column('item', sa.String), sa.Column('quantity', sa.Numeric(14, 2)),
                     sa.Column('item_unit', sa.String), sa.Column('entry_id', sa.Integer),
                     sa.Column('goods_entry_id', sa.Integer), sa.Column('voided_at', sa.DateTime),
                     sa.Column('created_by_id', sa.Integer))
_ledger = sa.Table('ledger_entry', _meta, *(sa.Column(c, sa.String) for c in (
    'direction', 'source', 'number', 'method', 'counterparty', 'counterparty_address', 'description', 'basis')),
    sa.Column('id', sa.Integer), sa.Column('fund_id', sa.Integer), sa.Column('unit_id', sa.Integer),
    sa.Column('entry_date', sa.Date), sa.Column('amount', sa.BigInteger), sa.Column('source_id', sa.Integer),
    sa.Column('reversal_of_id', sa.Integer), sa.Column('created_by_id', sa.Integer),
    sa.Column('created_at', sa.DateTime))
_goods = sa.Table('goods_entry', _meta, *(sa.Column(c, sa.String) for c in (
    'direction', 'item', 'item_key', 'item_unit', 'source', 'number', 'counterparty', 'counterparty_address',
    'description', 'basis')),
    sa.Column('id', sa.Integer), sa.Column('unit_id', sa.Integer), sa.Column('entry_date', sa.Date),
    sa.Column('quantity', sa.Numeric(14, 2)), sa.Column('value', sa.BigInteger),
    sa.Column('source_id', sa.Integer), sa.Column('campaign_id', sa.Integer),
    sa.Column('reversal_of_id', sa.Integer), sa.Column('created_by_id', sa.Integer),
    sa.Column('created_at', sa.DateTime))
_counter = sa.Table('document_counter', _meta, sa.Column('unit_id', sa.Integer), sa.Column('kind', sa.String),
                    sa.Column('year', sa.Integer), sa.Column('next_number', sa.Integer))
_audit = sa.Table('audit_log', _meta, sa.Column('id', sa.Integer), sa.Column('at', sa.DateTime),
                  sa.Column('user_id', sa.Integer), sa.Column('username', sa.String),
                  sa.Column('unit_id', sa.Integer), sa.Column('object_type', sa.String),
                  sa.Column('object_id', sa.Integer), sa.Column('action', sa.String),
                  sa.Column('before', sa.JSON), sa.Column('after', sa.JSON),
                  sa.Column('request_id', sa.String), sa.Column('ip', sa.String))
_version = sa.Table('report_version', _meta, sa.Column('unit_id', sa.Integer), sa.Column('version', sa.BigInteger))


def _today() -> date:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def _next_number(conn, unit_id: int, kind: str, year: int) -> str:
    """Allocate from document_counter exactly as app.funds.numbering does (gap-free per unit and year)."""
    where = (_counter.c.unit_id == unit_id) & (_counter.c.kind == kind) & (_counter.c.year == year)
    current = conn.execute(sa.select(_counter.c.next_number).where(where)).scalar()
    if current is None:
        conn.execute(_counter.insert().values(unit_id=unit_id, kind=kind, year=year, next_number=2))
        current = 1
    else:
        conn.execute(_counter.update().where(where).values(next_number=current + 1))
    return f"{kind}-{year}-{current:04d}"


def _audit_row(conn, now, unit_id, object_type, object_id, action, after, before=None):
    conn.execute(_audit.insert().values(at=now, user_id=None, username="", unit_id=unit_id,
                                        object_type=object_type, object_id=object_id, action=action,
                                        before=before, after=after, request_id="migration-0013", ip=""))


def move_in_kind_gifts(conn, run_date: date | None = None) -> int:
    """Move every live gift in kind whose phiếu thu still stands out of cash; returns how many.

    For each (in date order): a goods "in" entry at the campaign's unit (GN number per unit and year
    of the gift), donation.goods_entry_id set, a ledger reversal of the old income dated `run_date`
    (no number, basis = the old number), and audit rows for all three. Safe to run twice.
    """
    run_date = run_date or _today()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    reversed_ids = sa.select(_ledger.c.reversal_of_id).where(_ledger.c.reversal_of_id.is_not(None))
    gifts = conn.execute(
        sa.select(_donation, _ledger.c.fund_id, _ledger.c.unit_id.label('entry_unit_id'), _ledger.c.amount,
                  _ledger.c.direction, _ledger.c.number, _ledger.c.method.label('entry_method'),
                  _ledger.c.counterparty, _ledger.c.counterparty_address, _ledger.c.id.label('old_id'))
        .select_from(_donation.join(_ledger, _ledger.c.id == _donation.c.entry_id))
        .where(_donation.c.method == 'in_kind', _donation.c.voided_at.is_(None),
               _donation.c.goods_entry_id.is_(None), _ledger.c.id.not_in(reversed_ids))
        .order_by(_donation.c.donation_date, _donation.c.id)).mappings().all()
    for g in gifts:
        item = (g['item'] or '').strip() or 'Hiện vật'
        # Old gifts could be recorded without a quantity: one lot ("lô") of the stated value.
        quantity = Decimal(g['quantity']) if g['quantity'] and Decimal(g['quantity']) > 0 else Decimal('1')
        item_unit = ((g['item_unit'] or '').strip().lower() if g['quantity'] else '') or 'lô'
        number = _next_number(conn, g['unit_id'], 'GN', g['donation_date'].year)
        goods = dict(unit_id=g['unit_id'], entry_date=g['donation_date'], direction='in', item=item[:200],
                     item_key=fold(item)[:200], item_unit=item_unit[:30], quantity=quantity, value=g['amount'],
                     source='donation', source_id=g['id'], number=number, campaign_id=g['campaign_id'],
                     counterparty=g['counterparty'] or '', counterparty_address=g['counterparty_address'] or '',
                     description=f"Chuyển từ phiếu thu {g['number'] or ''}".strip()[:500],
                     basis=(g['number'] or '')[:100], reversal_of_id=None, created_by_id=g['created_by_id'],
                     created_at=now)
        goods_id = conn.execute(_goods.insert().values(**goods).returning(_goods.c.id)).scalar_one()
        conn.execute(_donation.update().where(_donation.c.id == g['id']).values(goods_entry_id=goods_id))
        reversal = dict(fund_id=g['fund_id'], unit_id=g['entry_unit_id'], entry_date=run_date, amount=g['amount'],
                        direction='out' if g['direction'] == 'in' else 'in', source='reversal',
                        source_id=g['old_id'], number=None, method=g['entry_method'] or 'in_kind',
                        counterparty=g['counterparty'] or '', counterparty_address=g['counterparty_address'] or '',
                        description=MOVE_DESCRIPTION, basis=(g['number'] or '')[:100],
                        reversal_of_id=g['old_id'], created_by_id=None, created_at=now)
        reversal_id = conn.execute(_ledger.insert().values(**reversal).returning(_ledger.c.id)).scalar_one()
        _audit_row(conn, now, g['unit_id'], 'goods_entry', goods_id, 'post',
                   {**{k: v for k, v in goods.items() if k not in ('created_at', 'entry_date', 'quantity')},
                    'date': g['donation_date'].isoformat(), 'quantity': str(quantity)})
        _audit_row(conn, now, g['entry_unit_id'], 'ledger_entry', reversal_id, 'void',
                   {'fund_id': g['fund_id'], 'number': None, 'date': run_date.isoformat(), 'amount': g['amount'],
                    'direction': reversal['direction'], 'source': 'reversal', 'source_id': g['old_id'],
                    'reversal_of_id': g['old_id'], 'basis': reversal['basis'], 'description': MOVE_DESCRIPTION,
                    'reason': MOVE_REASON})
        _audit_row(conn, now, g['unit_id'], 'donation', g['id'], 'update',
                   {'goods_entry_id': goods_id, 'entry_id': g['old_id'], 'reason': MOVE_REASON},
                   before={'goods_entry_id': None, 'entry_id': g['old_id']})
    if gifts:
        # Counted figures changed under every cache: bump the global report version.
        bumped = conn.execute(_version.update().where(_version.c.unit_id == 0)
                              .values(version=_version.c.version + 1)).rowcount
        if not bumped:
            conn.execute(_version.insert().values(unit_id=0, version=1))
    return len(gifts)
