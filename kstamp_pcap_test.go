//go:build fidelity

package sebs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"
)

// capturedConn is what a packet capture saw of one TCP connection to the
// server, keyed by the client's port: the SYN, the SYN-ACK, the first packet
// carrying response data, and every data packet each way (a keep-alive
// connection's requests and responses, one packet each when small).
type capturedConn struct {
	SYN, SYNACK, FirstData time.Time
	ClientData, ServerData []time.Time
}

// Magic numbers of pcap files (little-endian as tcpdump writes them here).
const (
	pcapMagicMicro = 0xa1b2c3d4
	pcapMagicNano  = 0xa1b23c4d
	linkEthernet   = 1   // what tcpdump -i lo writes on Linux
	linkRaw        = 101 // raw IP, in case
	tcpFlagSYN     = 0x02
	tcpFlagACK     = 0x10
)

// readCapture reads a pcap file of IPv4 TCP traffic on loopback and returns,
// for each client port talking to serverPort, the first SYN, SYN-ACK and
// response data times.
func readCapture(path string, serverPort uint16) (map[uint16]*capturedConn, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read capture: %w", err)
	}
	if len(data) < 24 {
		return nil, errors.New("capture is shorter than a pcap header: did tcpdump start?")
	}
	le := binary.LittleEndian
	unit := time.Microsecond
	switch le.Uint32(data) {
	case pcapMagicMicro:
	case pcapMagicNano:
		unit = time.Nanosecond
	default:
		return nil, fmt.Errorf("capture is not a little-endian pcap file (magic %#x)", le.Uint32(data))
	}
	link := le.Uint32(data[20:])
	conns := map[uint16]*capturedConn{}
	for off := 24; off+16 <= len(data); {
		sec, frac, incl := le.Uint32(data[off:]), le.Uint32(data[off+4:]), int(le.Uint32(data[off+8:]))
		off += 16
		if off+incl > len(data) {
			break // the last record was cut short when tcpdump stopped
		}
		pkt := data[off : off+incl]
		off += incl
		ts := time.Unix(int64(sec), int64(frac)*int64(unit))
		if link == linkEthernet {
			if len(pkt) < 14 || binary.BigEndian.Uint16(pkt[12:]) != 0x0800 {
				continue
			}
			pkt = pkt[14:]
		} else if link != linkRaw {
			return nil, fmt.Errorf("capture link type %d: want Ethernet (tcpdump -i lo)", link)
		}
		notePacket(conns, pkt, ts, serverPort)
	}
	return conns, nil
}

// notePacket records one IPv4 packet's part in its connection.
func notePacket(conns map[uint16]*capturedConn, ip []byte, ts time.Time, serverPort uint16) {
	if len(ip) < 20 || ip[0]>>4 != 4 || ip[9] != 6 {
		return
	}
	ihl := int(ip[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(ip[2:]))
	if len(ip) < ihl+20 {
		return
	}
	tcp := ip[ihl:]
	src, dst := binary.BigEndian.Uint16(tcp[0:]), binary.BigEndian.Uint16(tcp[2:])
	flags := tcp[13]
	payload := total - ihl - int(tcp[12]>>4)*4
	client, toServer := src, true
	if src == serverPort {
		client, toServer = dst, false
	} else if dst != serverPort {
		return
	}
	c := conns[client]
	if c == nil {
		c = &capturedConn{}
		conns[client] = c
	}
	switch {
	case toServer && flags&tcpFlagSYN != 0 && flags&tcpFlagACK == 0 && c.SYN.IsZero():
		c.SYN = ts
	case !toServer && flags&tcpFlagSYN != 0 && flags&tcpFlagACK != 0 && c.SYNACK.IsZero():
		c.SYNACK = ts
	case toServer && payload > 0:
		c.ClientData = append(c.ClientData, ts)
	case !toServer && payload > 0:
		c.ServerData = append(c.ServerData, ts)
		if c.FirstData.IsZero() {
			c.FirstData = ts
		}
	}
}
